-- One landing CSV file, every value read as text so that nothing is guessed; types are applied, and failures
-- quarantined, next (the optional columns it lacks are added by ingest:complete_landing).
-- The dialect is the contract's (comma, double quotes, UTF-8): another one is an error, never a guess.
-- Insertion order is preserved, so the rowid's offset from the first one gives the data row's number
-- (inside a transaction, rowids do not start at 0).
SET VARIABLE landing_path = $path;
CREATE OR REPLACE TEMP TABLE landing_text AS
SELECT * FROM read_csv(
    getvariable('landing_path'), all_varchar = true, header = true, delim = ',', quote = '"', escape = '"',
    encoding = 'utf-8', strict_mode = true
);
CREATE OR REPLACE TEMP VIEW landing_read AS
SELECT *, rowid - (SELECT min(rowid) FROM landing_text) + 1 AS _row_number FROM landing_text
