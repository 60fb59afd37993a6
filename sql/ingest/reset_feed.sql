-- A full reload of one feed: its raw table, manifest and earlier rejections are cleared (the audit stays).
DROP TABLE IF EXISTS raw.{feed};
DELETE FROM quality.loaded_files WHERE feed = $feed;
DELETE FROM quality.rejected_rows WHERE feed = $feed
