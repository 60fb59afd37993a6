-- One row per customer on the newest as-of date that has run (a run of an older date keeps it: assets/marts.py):
-- who they are, their tier and why, how it moved, every trait.
CREATE OR REPLACE TABLE marts.customer_tiers AS
WITH previous AS (
    SELECT customer_id, tier, score
    FROM marts.tier_history
    WHERE as_of_date = (SELECT max(as_of_date) FROM marts.tier_history WHERE as_of_date < getvariable('run_end'))
)
SELECT
    t.customer_id,
    c.name AS customer_name,
    c.account_owner,
    t.as_of_date,
    s.score,
    s.tier,
    s.action,
    s.reasons,
    s.knockouts,
    p.tier AS previous_tier,
    coalesce(p.tier <> s.tier, false) AS tier_changed,
    round(s.score - p.score, 1) AS score_change,
    s.changes,
    s.tier_held,
    s.newly_rising,
    c.industry,
    c.employees,
    c.region,
    t.* EXCLUDE (customer_id, as_of_date)
FROM marts.customer_traits AS t
JOIN scoring.customer_scores AS s ON s.customer_id = t.customer_id AND s.as_of_date = t.as_of_date
LEFT JOIN staging.customers AS c ON c.customer_id = t.customer_id
LEFT JOIN previous AS p ON p.customer_id = t.customer_id
ORDER BY s.score DESC, t.customer_id
