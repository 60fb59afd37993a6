-- The last run's load per feed (quality.load_audit keeps one row per run and feed).
SELECT feed, rows_read, rows_loaded, rows_rejected FROM quality.load_audit
WHERE run_id = (SELECT arg_max(run_id, loaded_at) FROM quality.load_audit)
ORDER BY feed
