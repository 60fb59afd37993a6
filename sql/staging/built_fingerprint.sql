-- The fingerprint a staging table was last built from; none when the table is missing.
SELECT s.fingerprint
FROM staging.build_state AS s
JOIN duckdb_tables() AS t ON t.schema_name = 'staging' AND t.table_name = s.table_name AND t.database_name = current_database()
WHERE s.table_name = $table_name
