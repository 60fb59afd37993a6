-- The lookups of tiering/cli.py: what the run summary prints.

-- name: rows_read
-- The last run's load per feed (quality.load_audit keeps one row per run and feed), with its notes (warnings, files
-- read again).
SELECT feed, status, rows_read, rows_loaded, rows_rejected, rows_updated, rows_skipped, rows_released, message
FROM quality.load_audit
WHERE run_id = (SELECT arg_max(run_id, loaded_at) FROM quality.load_audit)
ORDER BY feed;

-- name: tiers
-- The customers' tiers of the as-of date (prospects apart), best first ($tiers: the tier names in order).
SELECT tier, action, customers, revenue_12m FROM marts.tier_summary WHERE as_of_date = $as_of
ORDER BY list_position($tiers, tier);
