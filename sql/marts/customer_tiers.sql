-- One row per customer: who they are, their tier and why, and every trait behind it.
CREATE OR REPLACE TABLE marts.customer_tiers AS
SELECT
    t.customer_id,
    c.name AS customer_name,
    t.as_of_date,
    s.score,
    s.tier,
    s.action,
    s.reasons,
    s.knockouts,
    c.industry,
    c.employees,
    c.region,
    t.* EXCLUDE (customer_id, as_of_date)
FROM marts.customer_traits AS t
JOIN scoring.customer_scores AS s USING (customer_id)
LEFT JOIN staging.customers AS c USING (customer_id)
ORDER BY s.score DESC, t.customer_id
