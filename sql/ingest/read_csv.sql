-- One landing CSV file, every value read as text so that nothing is guessed; types are applied, and failures
-- quarantined, next (ingest:number_landing numbers its rows; the optional columns it lacks are added by
-- ingest:complete_landing). The dialect is the contract's (comma, double quotes, UTF-8): another one is an error,
-- never a guess. A line may hold 8 MiB (DuckDB's default is 2 MB; tiering.warehouse.quality.files.MAX_LINE_BYTES),
-- read through buffers of 32 MiB, DuckDB's default for 2 MB lines, so that memory does not grow with the limit.
SET VARIABLE landing_path = $path;
CREATE OR REPLACE TEMP TABLE landing_text AS
SELECT * FROM read_csv(
    getvariable('landing_path'), all_varchar = true, header = true, delim = ',', quote = '"', escape = '"',
    encoding = 'utf-8', strict_mode = true, max_line_size = 8388608, buffer_size = 33554432
)
