-- One run's reconciliation per feed: rows read = loaded + rejected (+ held back when the feed was refused).
SELECT feed, status, files, rows_read, rows_loaded, rows_rejected, rows_held_back, message
FROM quality.load_audit
WHERE run_id = $run_id
ORDER BY feed
