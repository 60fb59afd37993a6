INSERT INTO quality.rejected_rows
SELECT $feed, r._source_file, r._row_number, to_json(struct_pack({record_fields})), g._reason, current_timestamp,
    $run_id
FROM raw.{feed} AS r
JOIN ingest_flags AS g USING (_source_file, _row_number)
