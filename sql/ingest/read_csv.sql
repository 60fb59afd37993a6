-- One landing CSV file (gzip-compressed for .csv.gz), every value read as text so that nothing is
-- guessed; types are applied, and failures quarantined, next (ingest:number_landing numbers its rows; the optional
-- columns it lacks are added by ingest:complete_landing). The dialect is the contract's (comma, double quotes,
-- UTF-8, a header row): another one is an error, never a guess. Every option that could drop or merge rows is
-- set: no comment character (DuckDB's sniffer may take '#' for one and drop the rows it starts), no rows skipped,
-- no padding of short rows, no error ignored. A line may hold 8 MiB (DuckDB's default is 2 MB;
-- tiering.warehouse.quality.files.MAX_LINE_BYTES), read through buffers of 32 MiB, DuckDB's default for 2 MB
-- lines, so that memory does not grow with the limit. The rows read are checked against the file's records
-- counted apart from DuckDB (tiering.warehouse.quality.files.csv_records).
SET VARIABLE landing_path = $path;
SET VARIABLE landing_compression = $compression;
CREATE OR REPLACE TEMP TABLE landing_text AS
SELECT * FROM read_csv(
    getvariable('landing_path'), all_varchar = true, header = true, delim = ',', quote = '"', escape = '"',
    comment = '', skip = 0, null_padding = false, ignore_errors = false,
    compression = getvariable('landing_compression'), encoding = 'utf-8', strict_mode = true,
    max_line_size = 8388608, buffer_size = 33554432
)
