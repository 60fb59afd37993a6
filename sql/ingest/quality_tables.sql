-- Quarantine, reconciliation, the manifest of loaded files and the updated rows: every input row ends in a raw
-- table, in quality.rejected_rows or skipped as identical to its loaded version; a landing file is read again
-- only when its content changed; each run and feed leaves one audit row; each row replaced by a newer version
-- leaves one row in quality.row_updates. Columns added since a table was first made are added at its end.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS quality;
CREATE TABLE IF NOT EXISTS quality.rejected_rows (
    feed VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    raw_record VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    run_id VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS quality.load_audit (
    feed VARCHAR NOT NULL,
    files INTEGER NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    run_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    rows_held_back BIGINT NOT NULL,
    files_unchanged INTEGER NOT NULL,
    files_changed INTEGER NOT NULL,
    message VARCHAR,
    rows_updated BIGINT NOT NULL DEFAULT 0,  -- of rows_loaded: rows that replaced a loaded version of their key
    rows_skipped BIGINT NOT NULL DEFAULT 0,  -- identical to the version of their key already loaded
    -- not in rows_read: rows held in quarantine as orphans by an earlier run, loaded once their parent arrived
    rows_released BIGINT NOT NULL DEFAULT 0,
    -- the load's number, on the raw rows it wrote (raw.<feed>._load_id): the rows a run's checks validate; NULL in
    -- audit rows written before the column existed
    load_id BIGINT
);
ALTER TABLE quality.load_audit ADD COLUMN IF NOT EXISTS rows_updated BIGINT DEFAULT 0;
ALTER TABLE quality.load_audit ADD COLUMN IF NOT EXISTS rows_skipped BIGINT DEFAULT 0;
ALTER TABLE quality.load_audit ADD COLUMN IF NOT EXISTS rows_released BIGINT DEFAULT 0;
ALTER TABLE quality.load_audit ADD COLUMN IF NOT EXISTS load_id BIGINT;
CREATE TABLE IF NOT EXISTS quality.loaded_files (
    feed VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,  -- a file is known by its name in the feed's folder, wherever that folder is
    source_file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    run_id VARCHAR NOT NULL,
    rows_updated BIGINT NOT NULL DEFAULT 0,
    rows_skipped BIGINT NOT NULL DEFAULT 0,
    modified_ns BIGINT,  -- the file's modification time when its checksum was taken: with size_bytes, its stamp
    PRIMARY KEY (feed, file_name)
);
ALTER TABLE quality.loaded_files ADD COLUMN IF NOT EXISTS rows_updated BIGINT DEFAULT 0;
ALTER TABLE quality.loaded_files ADD COLUMN IF NOT EXISTS rows_skipped BIGINT DEFAULT 0;
ALTER TABLE quality.loaded_files ADD COLUMN IF NOT EXISTS modified_ns BIGINT;
CREATE TABLE IF NOT EXISTS quality.row_updates (
    feed VARCHAR NOT NULL,
    key VARCHAR NOT NULL,  -- the key's columns and values, as JSON: {"order_id":"O1"}
    file VARCHAR NOT NULL,  -- the file of the newer version
    loaded_at TIMESTAMP NOT NULL,
    changed_columns VARCHAR[] NOT NULL,
    previous_file VARCHAR NOT NULL,
    previous_record VARCHAR NOT NULL,  -- the replaced version, as JSON
    run_id VARCHAR NOT NULL
);
-- Each feed load's number, written on the raw rows it adds (raw.<feed>._load_id): staging reads what is new by it.
CREATE SEQUENCE IF NOT EXISTS quality.load_ids
