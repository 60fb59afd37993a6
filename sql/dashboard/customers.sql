-- One row per customer for the searchable table: best tier first, highest score first.
SELECT
    customer_id,
    customer_name,
    tier,
    score,
    {previous_tier} AS previous_tier,
    {score_change} AS score_change,
    round(revenue_12m) AS revenue_12m,
    reasons
FROM marts.customer_tiers
ORDER BY CASE tier WHEN 'Ideal' THEN 1 WHEN 'Acceptable' THEN 2 ELSE 3 END, score DESC, customer_id
LIMIT $max_rows
