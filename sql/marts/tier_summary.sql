-- Per as-of date and tier (all three, even when empty): size and economics of the tier.
CREATE OR REPLACE TABLE marts.tier_summary AS
WITH tiers(tier, tier_order) AS (VALUES ('Ideal', 1), ('Acceptable', 2), ('Poor', 3)),
dates AS (SELECT DISTINCT as_of_date FROM marts.customer_tiers)
SELECT
    d.as_of_date,
    t.tier,
    any_value(c.action) AS action,
    count(c.customer_id) AS customers,
    coalesce(sum(c.revenue_12m), 0) AS revenue_12m,
    sum(c.gross_margin * c.revenue_12m) / nullif(sum(c.revenue_12m) FILTER (WHERE c.gross_margin IS NOT NULL), 0)
        AS gross_margin,
    avg(c.payment_delay_days) AS mean_payment_delay_days,
    coalesce(sum(c.tickets_12m), 0) / greatest(1, coalesce(sum(c.orders_12m), 0)) AS tickets_per_order,
    avg(c.score) AS mean_score
FROM dates AS d
CROSS JOIN tiers AS t
LEFT JOIN marts.customer_tiers AS c ON c.tier = t.tier AND c.as_of_date = d.as_of_date
GROUP BY d.as_of_date, t.tier, t.tier_order
ORDER BY d.as_of_date, t.tier_order
