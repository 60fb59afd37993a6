-- The rows a raw check validates: those its run loaded (earlier loads were validated by their own runs; keys
-- and references are still checked against the whole table).
SELECT * FROM raw.{feed}
WHERE _source_file IN (SELECT source_file FROM quality.loaded_files WHERE feed = $feed AND run_id = $run_id)
