-- Rows of this load in raw.{feed} whose key was loaded before, or is repeated in this load (the first by file and
-- row number stays): one row per flag, to which the orphans are added (ingest:flag_orphans). Each check reads the
-- batch from raw.{feed} again: a scan costs less than materialising the batch once.
CREATE OR REPLACE TEMP TABLE ingest_flag_rows AS
WITH batch AS NOT MATERIALIZED (
    SELECT r.*, f._file_seq FROM raw.{feed} AS r JOIN ingest_files AS f ON f.source_file = r._source_file
),
earlier AS (
    SELECT * FROM raw.{feed} WHERE _source_file NOT IN (SELECT source_file FROM ingest_files)
),
-- keys whose hash repeats (equal neighbours once sorted, which costs less than grouping every key): few rows,
-- on which the exact key then decides
key_hashes AS (
    SELECT hash({key_columns}) AS _hash FROM batch
),
repeated_hashes AS (
    SELECT _hash FROM (SELECT _hash, lead(_hash) OVER (ORDER BY _hash) AS _next FROM key_hashes) WHERE _hash = _next
)
SELECT _source_file, _row_number, 1 AS _order, 'duplicate key: already loaded' AS _reason
FROM batch SEMI JOIN earlier USING ({key_columns})
UNION ALL
SELECT _source_file, _row_number, 2, 'duplicate key: repeated in this load'
FROM (
    SELECT *, row_number() OVER (PARTITION BY {key_columns} ORDER BY _file_seq, _row_number) AS _nth
    FROM batch
    WHERE hash({key_columns}) IN (SELECT _hash FROM repeated_hashes)
)
WHERE _nth > 1
