-- The lookups of tiering/alerts: the customers that may alert and the table of alerts sent.

-- name: candidates
-- The customers of marts.customer_tiers on $as_of that moved tier, are new since the previous as-of date or are
-- newly rising; none when no earlier as-of date is in the history (a first run compares with nothing). Prospects are
-- apart (marts.prospect_priorities): they have no tier to move yet.
SELECT
    customer_id, customer_name, account_owner, previous_tier, tier, revenue_12m, newly_rising, knockouts,
    changes, reasons
FROM marts.customer_tiers
WHERE as_of_date = $as_of
    AND segment = 'customer'
    AND (tier_changed OR previous_tier IS NULL OR newly_rising)
    AND EXISTS (SELECT 1 FROM marts.tier_history WHERE as_of_date < $as_of)
ORDER BY revenue_12m DESC NULLS LAST, customer_id;

-- name: replace_date
-- A re-run of a date replaces that date's alerts.
DELETE FROM marts.tier_alerts WHERE as_of_date = $as_of;

-- name: insert
INSERT INTO marts.tier_alerts VALUES ($as_of, $customer_id, $from_tier, $to_tier, $reason, $account_owner,
    $destination, $status);

-- name: sent_on
-- The alerts of $as_of by status: 'sent', or 'failed: <error>' with the destinations that failed.
SELECT status, count(*) AS alerts, string_agg(DISTINCT destination, ', ' ORDER BY destination) AS destinations
FROM marts.tier_alerts
WHERE as_of_date = $as_of
GROUP BY status
ORDER BY status;

-- name: rejected
-- The rows the last load rejected, per feed (quarantined in quality.rejected_rows).
SELECT feed, rows_rejected
FROM quality.load_audit
WHERE run_id = (SELECT arg_max(run_id, loaded_at) FROM quality.load_audit) AND rows_rejected > 0
ORDER BY feed;
