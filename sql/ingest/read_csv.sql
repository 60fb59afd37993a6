-- One landing CSV file, every value read as text so that nothing is guessed; types are applied, and failures
-- quarantined, next (ingest:number_landing numbers its rows; the optional columns it lacks are added by
-- ingest:complete_landing). The dialect is the contract's (comma, double quotes, UTF-8): another one is an error,
-- never a guess.
SET VARIABLE landing_path = $path;
CREATE OR REPLACE TEMP TABLE landing_text AS
SELECT * FROM read_csv(
    getvariable('landing_path'), all_varchar = true, header = true, delim = ',', quote = '"', escape = '"',
    encoding = 'utf-8', strict_mode = true
)
