INSERT INTO quality.loaded_files VALUES (
    $feed, $file_name, $source_file, $sha256, $size_bytes, $rows_read, $rows_loaded, $rows_rejected, current_timestamp,
    $run_id
)
