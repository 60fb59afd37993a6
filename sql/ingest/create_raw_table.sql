-- The typed raw table of a feed, with each row's file and row number in it.
CREATE TABLE IF NOT EXISTS raw.{feed} ({column_defs}, _source_file VARCHAR NOT NULL, _row_number BIGINT NOT NULL)
