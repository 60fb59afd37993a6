-- Quarantine, reconciliation and the manifest of loaded files: every input row ends in a raw table or in
-- quality.rejected_rows, each landing file is loaded once, and each run and feed leaves one audit row.
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
    message VARCHAR
);
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
    PRIMARY KEY (feed, file_name)
)
