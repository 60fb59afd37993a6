-- Per as-of date of the run and tier (all three, even when empty): size and economics of the tier's customers
-- (prospects apart).
-- Sums and means are taken in DECIMAL so that a re-run gives identical figures (float sums depend on row order).
DELETE FROM marts.tier_summary WHERE as_of_date BETWEEN getvariable('run_start') AND getvariable('run_end');
INSERT INTO marts.tier_summary
WITH tiers(tier, tier_order) AS (VALUES ('Ideal', 1), ('Acceptable', 2), ('Poor', 3)),
dates AS (
    SELECT DISTINCT as_of_date FROM traits.daily_traits
    WHERE as_of_date BETWEEN getvariable('run_start') AND getvariable('run_end')
),
customers AS (
    SELECT h.as_of_date, h.tier, h.action, h.score, t.*
        EXCLUDE (as_of_date, customer_id)
    FROM marts.tier_history AS h
    JOIN traits.daily_traits AS t USING (as_of_date, customer_id)
    WHERE h.segment IS DISTINCT FROM 'prospect'
)
SELECT
    d.as_of_date,
    t.tier,
    any_value(c.action) AS action,
    count(c.tier) AS customers,
    coalesce(sum(c.revenue_12m::DECIMAL(38, 6)), 0)::DOUBLE AS revenue_12m,
    (sum((c.gross_margin * c.revenue_12m)::DECIMAL(38, 6))
        / nullif(sum(c.revenue_12m::DECIMAL(38, 6)) FILTER (WHERE c.gross_margin IS NOT NULL), 0))::DOUBLE
        AS gross_margin,
    avg(c.payment_delay_days::DECIMAL(38, 6))::DOUBLE AS mean_payment_delay_days,
    sum(c.tickets_12m) / greatest(1, coalesce(sum(c.orders_12m), 0)) AS tickets_per_order,  -- null: no ticket data
    avg(c.score::DECIMAL(38, 6))::DOUBLE AS mean_score
FROM dates AS d
CROSS JOIN tiers AS t
LEFT JOIN customers AS c ON c.tier = t.tier AND c.as_of_date = d.as_of_date
GROUP BY d.as_of_date, t.tier, t.tier_order
ORDER BY d.as_of_date, t.tier_order
