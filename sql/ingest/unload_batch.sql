-- A refused load: its rows leave raw.{feed} again (its rejections and audit stay).
DELETE FROM raw.{feed} WHERE _source_file IN (SELECT source_file FROM ingest_files)
