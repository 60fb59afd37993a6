INSERT INTO quality.load_audit VALUES (
    $feed, $files, $rows_read, $rows_loaded, $rows_rejected, current_timestamp, $run_id, $status, $rows_held_back,
    $files_unchanged, $files_changed, $message
)
