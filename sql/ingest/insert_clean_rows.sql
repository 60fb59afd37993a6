INSERT INTO raw.{feed}
SELECT {columns}, $source_file, _row_number
FROM landing_checked
WHERE _usable
