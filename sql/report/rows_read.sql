SELECT feed, rows_read, rows_loaded, rows_rejected FROM quality.load_audit ORDER BY feed
