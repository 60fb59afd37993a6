-- The rows of this load (duplicates within a file and orphans already quarantined) whose key was loaded before
-- or comes in several files of the load, each after the version before it: the row in raw.{feed}, then the
-- rows of the files in load order. A row identical to the version before it is skipped; one that differs is an
-- update (the newer file wins); one without a version before it is new, as is every row of the load not in
-- this table. The last version of a key that is not skipped is kept: it replaces the row in raw.{feed}. The keys
-- that come more than once in the load are found by their hashes (ingest_repeated_hashes, flag_duplicates.sql),
-- taken before the duplicates and orphans left: a key that then comes once is in the table as new.
CREATE OR REPLACE TEMP TABLE ingest_versions AS
WITH candidates AS (
    SELECT {key_columns} FROM ingest_rows WHERE hash({key_columns}) IN (SELECT _hash FROM ingest_repeated_hashes)
    UNION
    SELECT {key_columns} FROM ingest_rows SEMI JOIN raw.{feed} USING ({key_columns})
),
chain AS (
    SELECT {key_columns}, struct_pack({record}) AS _record, _source_file, NULL::BIGINT AS _row_number, -1 AS _file_seq
    FROM raw.{feed} SEMI JOIN candidates USING ({key_columns})
    UNION ALL
    SELECT {key_columns}, struct_pack({record}), f.source_file, r._row_number, r._file_seq
    FROM (SELECT * FROM ingest_rows SEMI JOIN candidates USING ({key_columns})) AS r
    JOIN ingest_files AS f USING (_file_seq)
),
classified AS (
    SELECT
        *,
        CASE
            WHEN _previous IS NULL THEN 'new'
            WHEN _record IS NOT DISTINCT FROM _previous THEN 'skipped'
            ELSE 'updated'
        END AS _class
    FROM (
        SELECT
            *,
            lag(_record) OVER (PARTITION BY {key_columns} ORDER BY _file_seq) AS _previous,
            lag(_source_file) OVER (PARTITION BY {key_columns} ORDER BY _file_seq) AS _previous_file
        FROM chain
    )
)
SELECT
    *,
    coalesce(
        _file_seq = max(_file_seq) FILTER (WHERE _class <> 'skipped') OVER (PARTITION BY {key_columns}), false
    ) AS _kept
FROM classified
WHERE _file_seq >= 0
