INSERT INTO raw.{feed}
SELECT {typed_columns}, $source_file, _row_number
FROM landing_checked
WHERE _reason IS NULL
