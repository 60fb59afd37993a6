-- The rows a raw check validates: those of the feed's last load (earlier loads were validated when they came;
-- keys and references are still checked against the whole table).
SELECT * FROM raw.{feed}
WHERE _source_file IN (
    SELECT source_file FROM quality.loaded_files
    WHERE feed = '{feed}'
      AND run_id = (SELECT arg_max(run_id, loaded_at) FROM quality.loaded_files WHERE feed = '{feed}')
)
