INSERT INTO quality.rejected_rows
SELECT $feed, $source_file, _row_number, _raw, _reason, current_timestamp, $run_id
FROM landing_checked
WHERE NOT _usable
