-- The lookups and small statements of tiering/warehouse/ingest.py; {feed} and the column lists come from the feed's
-- declaration (tiering/feeds.py), values are bound.

-- name: outdated_quality_tables
-- Quality tables written by an older version (before runs and the manifest): they are rebuilt.
SELECT DISTINCT table_name
FROM duckdb_tables()
WHERE schema_name = 'quality' AND table_name IN ('rejected_rows', 'load_audit', 'loaded_files')
  AND table_name NOT IN (
      SELECT table_name FROM duckdb_columns()
      WHERE schema_name = 'quality' AND column_name = CASE table_name WHEN 'loaded_files' THEN 'file_name' ELSE 'run_id' END
  )

-- name: drop_quality_table
DROP TABLE quality.{table}

-- name: next_load_id
SELECT nextval('quality.load_ids')

-- name: loaded_files
SELECT file_name, sha256, loaded_at, size_bytes, modified_ns FROM quality.loaded_files WHERE feed = $feed

-- name: drop_raw_table
-- A full reload of one feed: its raw table, manifest and earlier rejections are cleared (the audit stays).
DROP TABLE IF EXISTS raw.{feed}

-- name: forget_loaded_files
DELETE FROM quality.loaded_files WHERE feed = $feed

-- name: forget_rejected_rows
DELETE FROM quality.rejected_rows WHERE feed = $feed

-- name: forget_row_updates
DELETE FROM quality.row_updates WHERE feed = $feed

-- name: create_raw_table
-- The typed raw table of a feed, with each row's file, row number and load (quality.load_ids) in it.
CREATE TABLE IF NOT EXISTS raw.{feed} (
    {column_defs}, _source_file VARCHAR NOT NULL, _row_number BIGINT NOT NULL, _load_id BIGINT
)

-- name: add_raw_column
-- A column declared since the raw table was made (or _load_id): NULL in the rows loaded before (a full reload
-- reads it).
ALTER TABLE raw.{feed} ADD COLUMN IF NOT EXISTS {column} {sql_type}

-- name: create_batch
-- The new and changed files of this load, in load order, and their usable rows, each known by its file's place in
-- the load and its row number (the file's path is not repeated in every row: it is taken from ingest_files when
-- needed; _key_as_read: the key as read when reading changed it, see row_checks._key_as_read).
CREATE OR REPLACE TEMP TABLE ingest_files (_file_seq INTEGER, source_file VARCHAR);
CREATE OR REPLACE TEMP TABLE ingest_rows (
    {column_defs}, _row_number BIGINT NOT NULL, _file_seq INTEGER NOT NULL, _key_as_read VARCHAR
)

-- name: add_batch_file
INSERT INTO ingest_files VALUES ($seq, $path)

-- name: parquet_columns
-- The columns of a landing Parquet file, lower-case.
SELECT lower(column_name) FROM (DESCRIBE SELECT * FROM read_parquet($path))

-- name: read_parquet_table
-- A landing Parquet file with a column of its own named file_row_number, read whole into a table to number its
-- rows like a CSV file's (ingest:number_landing).
SET VARIABLE landing_path = $path;
CREATE OR REPLACE TEMP TABLE landing_text AS SELECT * FROM read_parquet(getvariable('landing_path'))

-- name: landing_text_columns
SELECT column_name FROM (DESCRIBE landing_text)

-- name: rename_landing_column
ALTER TABLE landing_text RENAME COLUMN {column} TO {new_name}

-- name: number_landing
-- The rows of landing_text numbered from 1 in _tiers_row_number (a name of ours that no file's column takes).
-- Insertion order is preserved, so the rowid's offset from the first one gives the data row's number (inside a
-- transaction, rowids do not start at 0). A file's own column named rowid hides DuckDB's: it is renamed while
-- the rows are numbered and named back here ({rename}: " RENAME (_tiers_rowid AS <its name>)", or nothing).
CREATE OR REPLACE TEMP VIEW landing_read AS
SELECT *{rename}, rowid - (SELECT min(rowid) FROM landing_text) + 1 AS _tiers_row_number FROM landing_text

-- name: landing_columns
-- The columns of the landing file as read, with their types.
SELECT column_name, column_type FROM (DESCRIBE landing_read) WHERE column_name <> '_tiers_row_number'

-- name: complete_landing
-- The landing file with the optional columns it lacks, as NULL text ({absent_columns}: ", NULL::VARCHAR AS <column>"
-- for each).
CREATE OR REPLACE TEMP VIEW landing_file AS SELECT *{absent_columns} FROM landing_read

-- name: landing_rows
SELECT count(*) FROM landing_file

-- name: flag_orphans
-- Rows of this load that refer to a parent row that does not exist (an orphan). The references the parent lacks
-- are found among the load's distinct references first: an anti join of the load's rows themselves to the parent
-- ran out of memory at 219M orders under the 1 GB limit (and at L's 22M under 100 MB).
INSERT INTO ingest_flag_rows
WITH missing AS (
    SELECT r.reference
    FROM (SELECT DISTINCT {column} AS reference FROM ingest_rows WHERE {column} IS NOT NULL) AS r
    ANTI JOIN raw.{parent} AS p ON p.{parent_column} = r.reference
)
SELECT u._file_seq, u._row_number, $order, $reason
FROM ingest_rows AS u
SEMI JOIN missing AS m ON m.reference = u.{column}

-- name: collect_flags
-- Every flagged row of this load once, with its reasons in order.
CREATE OR REPLACE TEMP TABLE ingest_flags AS
SELECT _file_seq, _row_number, string_agg(_reason, '; ' ORDER BY _order) AS _reason
FROM ingest_flag_rows
GROUP BY ALL

-- name: quarantine_flagged
INSERT INTO quality.rejected_rows
SELECT $feed, f.source_file, r._row_number, to_json(struct_pack({record})), g._reason, current_timestamp, $run_id
FROM ingest_rows AS r
JOIN ingest_flags AS g USING (_file_seq, _row_number)
JOIN ingest_files AS f USING (_file_seq)

-- name: delete_flagged
DELETE FROM ingest_rows AS r
USING ingest_flags AS g
WHERE r._file_seq = g._file_seq AND r._row_number = g._row_number

-- name: held_rows
-- The feed's rows held in quarantine only as orphans (every reason one of $orphan_reasons), once each (a file read
-- again may have held a row twice: the last hold counts), numbered by file in the order they were held.
CREATE OR REPLACE TEMP TABLE ingest_held AS
SELECT
    source_file, row_number, raw_record, loaded_at,
    dense_rank() OVER (ORDER BY first_held, source_file) - 1 AS _file_seq
FROM (
    SELECT *, min(loaded_at) OVER (PARTITION BY source_file) AS first_held
    FROM quality.rejected_rows
    WHERE feed = $feed AND list_has_all($orphan_reasons, string_split(reason, '; '))
    QUALIFY row_number() OVER (PARTITION BY source_file, row_number ORDER BY loaded_at DESC) = 1
)

-- name: held_files
SELECT DISTINCT _file_seq, source_file FROM ingest_held ORDER BY _file_seq

-- name: held_landing
-- The held rows of one file as the landing rows of a file, their values as text ({columns}: each column taken
-- from the JSON of the values kept), read like a landing file's next (ingest:complete_landing, usable_rows.sql).
CREATE OR REPLACE TEMP TABLE landing_text AS
SELECT {columns}, row_number AS _tiers_row_number FROM ingest_held WHERE _file_seq = $seq

-- name: held_landing_view
CREATE OR REPLACE TEMP VIEW landing_read AS SELECT * FROM landing_text

-- name: drop_superseded_held
-- Held rows whose key has a row in raw.{feed} from a file loaded after they were held (a newer version, naming
-- another parent): they stay in quarantine, never loaded over the newer version.
DELETE FROM ingest_rows AS u
USING (
    SELECT r._file_seq, r._row_number
    FROM ingest_rows AS r
    JOIN ingest_held AS h ON h._file_seq = r._file_seq AND h.row_number = r._row_number
    JOIN raw.{feed} AS w ON {key_match}
    JOIN quality.loaded_files AS f ON f.feed = $feed AND f.source_file = w._source_file
    WHERE f.loaded_at > h.loaded_at
) AS s
WHERE u._file_seq = s._file_seq AND u._row_number = s._row_number

-- name: release_held
-- The held rows about to be loaded leave quarantine (every hold of the same file row).
DELETE FROM quality.rejected_rows AS h
USING (SELECT f.source_file, r._row_number FROM ingest_rows AS r JOIN ingest_files AS f USING (_file_seq)) AS r
WHERE h.feed = $feed AND h.source_file = r.source_file AND h.row_number = r._row_number
  AND list_has_all($orphan_reasons, string_split(h.reason, '; '))

-- name: file_counts
-- Per file of this load: its rows new, updated and skipped (see sql/ingest/versions.sql) and quarantined by this
-- run. Every row of ingest_versions is a row of ingest_rows: a file's new rows are its rows less its updated and
-- skipped ones (no join of the load's rows).
WITH loaded AS (
    SELECT _file_seq, count(*) AS rows FROM ingest_rows GROUP BY ALL
),
versions AS (
    SELECT
        _file_seq,
        count(*) FILTER (WHERE _class = 'updated') AS updated,
        count(*) FILTER (WHERE _class = 'skipped') AS skipped
    FROM ingest_versions
    GROUP BY ALL
),
rejected AS (
    SELECT source_file, count(*) AS rows
    FROM quality.rejected_rows
    WHERE feed = $feed AND run_id = $run_id
    GROUP BY ALL
)
SELECT
    f.source_file,
    coalesce(l.rows, 0) - coalesce(v.updated, 0) - coalesce(v.skipped, 0),
    coalesce(v.updated, 0),
    coalesce(v.skipped, 0),
    coalesce(r.rows, 0)
FROM ingest_files AS f
LEFT JOIN loaded AS l USING (_file_seq)
LEFT JOIN versions AS v USING (_file_seq)
LEFT JOIN rejected AS r USING (source_file)
ORDER BY f._file_seq

-- name: raw_rows
SELECT count(*) FROM raw.{feed}

-- name: record_updates
-- Each row of this load that replaces a loaded version of its key, with the columns that changed.
INSERT INTO quality.row_updates
SELECT
    $feed,
    to_json(struct_pack({key_record})),
    _source_file,
    current_timestamp,
    list_filter([{changed_columns}], lambda c: c IS NOT NULL),
    _previous_file,
    to_json(_previous),
    $run_id
FROM ingest_versions
WHERE _class = 'updated'
ORDER BY _file_seq, _row_number

-- name: delete_replaced
-- The loaded rows whose key has a newer version in this load.
DELETE FROM raw.{feed} AS r
USING (SELECT {key_columns} FROM ingest_versions WHERE _kept AND _class = 'updated') AS v
WHERE {key_match}

-- name: delete_not_kept
-- The load's rows skipped or replaced by a newer version in the load (the few rows of ingest_versions that are not
-- kept), deleted before ingest:insert_loaded: cheaper than an anti join of every row.
DELETE FROM ingest_rows AS r
USING ingest_versions AS v
WHERE NOT v._kept AND r._file_seq = v._file_seq AND r._row_number = v._row_number

-- name: batch_files
SELECT source_file FROM ingest_files ORDER BY _file_seq

-- name: insert_loaded
-- This load's rows into raw.{feed}, each with its file's path ($source_files: ingest:batch_files) and the load.
INSERT INTO raw.{feed} ({columns}, _source_file, _row_number, _load_id)
SELECT {columns}, $source_files[_file_seq + 1], _row_number, $load_id FROM ingest_rows

-- name: drop_batch
DROP TABLE IF EXISTS ingest_repeated_hashes;
DROP TABLE IF EXISTS ingest_flags;
DROP TABLE IF EXISTS ingest_flag_rows;
DROP TABLE IF EXISTS ingest_files;
DROP TABLE IF EXISTS ingest_versions;
DROP TABLE IF EXISTS ingest_rows;
DROP TABLE IF EXISTS ingest_held;
DROP VIEW IF EXISTS landing_file;
DROP VIEW IF EXISTS landing_read;
DROP TABLE IF EXISTS landing_text

-- name: record_file
-- A file loaded, or read again because its content changed.
INSERT OR REPLACE INTO quality.loaded_files VALUES (
    $feed, $file_name, $source_file, $sha256, $size_bytes, $rows_read, $rows_loaded, $rows_rejected, current_timestamp,
    $run_id, $rows_updated, $rows_skipped, $modified_ns
)

-- name: restamp_file
-- A loaded file whose size or modification time changed but not its content: its new stamp, not read again.
UPDATE quality.loaded_files SET size_bytes = $size_bytes, modified_ns = $modified_ns
WHERE feed = $feed AND file_name = $file_name

-- name: record_audit
INSERT INTO quality.load_audit VALUES (
    $feed, $files, $rows_read, $rows_loaded, $rows_rejected, current_timestamp, $run_id, $status, $rows_held_back,
    $files_unchanged, $files_changed, $message, $rows_updated, $rows_skipped, $rows_released, $load_id
)

-- name: rejections_by_reason
SELECT reason, count(*) AS rows FROM quality.rejected_rows WHERE feed = $feed AND run_id = $run_id
GROUP BY reason ORDER BY rows DESC, reason

-- name: case_collisions
-- Keys of raw.{feed} that differ from another key only in case, one of them loaded by this load ($load_id): they
-- stay distinct keys, as the source wrote them; the run warns. Of two such keys one has a lower-case
-- letter ({has_lower}), which few keys have: those are matched to the others ({same_folded}: the text columns
-- equal in lower case, the others equal; {different}: a text column differs). How many pairs, and a few as JSON.
WITH lower_keys AS (
    SELECT {key_columns}, _load_id FROM raw.{feed} WHERE {has_lower}
),
matches AS (
    SELECT to_json(struct_pack({l_record})) AS l_key, to_json(struct_pack({r_record})) AS r_key
    FROM lower_keys AS l
    JOIN raw.{feed} AS r ON {same_folded} AND ({different})
    WHERE l._load_id = $load_id OR r._load_id = $load_id
),
pairs AS (  -- each pair once, also when both keys have a lower-case letter
    SELECT DISTINCT least(l_key, r_key) AS first_key, greatest(l_key, r_key) AS second_key FROM matches
)
SELECT count(*), list(first_key || ' / ' || second_key ORDER BY first_key, second_key)[1:3] FROM pairs
