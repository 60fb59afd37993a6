-- The new files of this load, in load order.
CREATE OR REPLACE TEMP TABLE ingest_files (_file_seq INTEGER, source_file VARCHAR)
