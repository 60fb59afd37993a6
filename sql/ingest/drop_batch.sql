DROP TABLE IF EXISTS ingest_flags;
DROP TABLE IF EXISTS ingest_files;
DROP VIEW IF EXISTS landing_checked;
DROP VIEW IF EXISTS landing_file;
DROP TABLE IF EXISTS landing_text
