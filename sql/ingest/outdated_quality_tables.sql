-- Quality tables written by an older version (before runs and the manifest): they are rebuilt.
SELECT DISTINCT table_name
FROM duckdb_tables()
WHERE schema_name = 'quality' AND table_name IN ('rejected_rows', 'load_audit', 'loaded_files')
  AND table_name NOT IN (
      SELECT table_name FROM duckdb_columns()
      WHERE schema_name = 'quality' AND column_name = CASE table_name WHEN 'loaded_files' THEN 'file_name' ELSE 'run_id' END
  )
