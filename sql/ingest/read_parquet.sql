-- One landing Parquet file. Parquet carries its own types; they are cast to the contract's types next, like CSV text.
SET VARIABLE landing_path = $path;
CREATE OR REPLACE TEMP VIEW landing_read AS
SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS _row_number
FROM read_parquet(getvariable('landing_path'), file_row_number = true)
