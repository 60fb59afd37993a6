-- Per tier on the as-of date: the tier summary, plus the discount depth and support tickets it does not hold.
WITH extra AS (
    SELECT tier, avg(discount_depth) AS mean_discount_depth, sum(tickets_12m) AS tickets_12m
    FROM marts.customer_tiers
    GROUP BY tier
)
SELECT
    s.tier,
    s.customers,
    s.revenue_12m,
    s.gross_margin,
    s.mean_payment_delay_days,
    e.mean_discount_depth,
    s.tickets_per_order,
    coalesce(e.tickets_12m, 0) AS tickets_12m,
    s.mean_score
FROM marts.tier_summary AS s
LEFT JOIN extra AS e USING (tier)
WHERE s.as_of_date = $as_of
