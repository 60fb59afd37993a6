CREATE OR REPLACE TEMP TABLE landing_file AS
SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS _row_number
FROM read_parquet($path, file_row_number = true)
