DELETE FROM raw.{feed} AS r
USING ingest_flags AS g
WHERE r._source_file = g._source_file AND r._row_number = g._row_number
