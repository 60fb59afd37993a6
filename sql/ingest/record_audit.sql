INSERT INTO quality.load_audit VALUES ($feed, $files, $rows_read, $rows_loaded, $rows_rejected, current_timestamp)
