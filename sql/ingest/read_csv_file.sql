-- Every value read as text, so that nothing is guessed; types are applied, and failures quarantined, next.
-- Insertion order is preserved, so rowid + 1 is the data row's number in the file.
SET VARIABLE landing_path = $path;
CREATE OR REPLACE TEMP TABLE landing_text AS
SELECT * FROM read_csv(getvariable('landing_path'), all_varchar = true, header = true);
CREATE OR REPLACE TEMP VIEW landing_file AS
SELECT *, rowid + 1 AS _row_number FROM landing_text
