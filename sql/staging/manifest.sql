-- Every loaded file, in a fixed order: the raw tables change exactly when this does.
SELECT feed, file_name, sha256, run_id FROM quality.loaded_files ORDER BY ALL
