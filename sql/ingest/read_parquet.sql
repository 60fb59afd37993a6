-- One landing Parquet file. Parquet carries its own types; they are cast to the contract's types next, like CSV text.
-- Its rows are numbered from 1 in _tiers_row_number (a name of ours that no file's column takes); a file with a
-- column of its own named file_row_number, which hides DuckDB's, is read by ingest:read_parquet_table instead.
SET VARIABLE landing_path = $path;
CREATE OR REPLACE TEMP VIEW landing_read AS
SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS _tiers_row_number
FROM read_parquet(getvariable('landing_path'), file_row_number = true)
