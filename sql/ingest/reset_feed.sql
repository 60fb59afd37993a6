-- A full reload of one feed: its raw table is rebuilt and its earlier rejections cleared.
CREATE OR REPLACE TABLE raw.{feed} ({column_defs}, _source_file VARCHAR NOT NULL, _row_number BIGINT NOT NULL);
DELETE FROM quality.rejected_rows WHERE feed = '{feed}';
DELETE FROM quality.load_audit WHERE feed = '{feed}';
