-- The hashes of the keys that come more than once in this load's rows (equal neighbours once sorted, which costs
-- less than grouping every key): few, on which the exact keys then decide, here (a key repeated within its file)
-- and in versions.sql (a key in several files of the load).
CREATE OR REPLACE TEMP TABLE ingest_repeated_hashes AS
SELECT _hash FROM (
    SELECT _hash, lead(_hash) OVER (ORDER BY _hash) AS _next FROM (SELECT hash({key_columns}) AS _hash FROM ingest_rows)
)
WHERE _hash = _next;
-- Rows of this load whose key repeats within their file (the first by row number stays): one row per flag, to
-- which the orphans are added (ingest:flag_orphans). A key that repeats only once read (`eur ` beside `EUR` in
-- a currency code) says so in its reason. A key in several files of the load, or loaded before, is
-- not a duplicate but a version (versions.sql).
CREATE OR REPLACE TEMP TABLE ingest_flag_rows AS
SELECT
    _file_seq,
    _row_number,
    1 AS _order,
    CASE
        WHEN _key_as_read IS NOT DISTINCT FROM _first_as_read THEN 'duplicate key: repeated in this file'
        ELSE 'duplicate key: repeated in this file, written differently (keys are trimmed, codes upper-cased)'
    END AS _reason
FROM (
    SELECT
        *,
        row_number() OVER (PARTITION BY _file_seq, {key_columns} ORDER BY _row_number) AS _nth,
        first_value(_key_as_read) OVER (PARTITION BY _file_seq, {key_columns} ORDER BY _row_number) AS _first_as_read
    FROM ingest_rows
    WHERE hash({key_columns}) IN (SELECT _hash FROM ingest_repeated_hashes)
)
WHERE _nth > 1
