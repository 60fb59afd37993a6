INSERT INTO quality.rejected_rows
SELECT '{feed}', $source_file, _row_number, to_json(struct_pack({record_fields})), _reason, current_timestamp
FROM landing_checked
WHERE _reason IS NOT NULL
