-- The run that loaded last (every run leaves one audit row per feed), or the one asked for.
SELECT run_id, max(loaded_at) AS loaded_at
FROM quality.load_audit
WHERE $run_id IS NULL OR run_id = $run_id
GROUP BY run_id
ORDER BY loaded_at DESC
LIMIT 1
