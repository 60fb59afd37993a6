-- Per as-of date of the run: customers (and their revenue) by the tier they came from and the tier they are in,
-- against the previous as-of date in the history. from_tier is NULL for new customers (a prospect's first order makes
-- one), to_tier for departed ones. Prospects are apart.
DELETE FROM marts.tier_movements WHERE as_of_date BETWEEN getvariable('run_start') AND getvariable('run_end');
INSERT INTO marts.tier_movements
WITH dates AS (
    SELECT as_of_date, lag(as_of_date) OVER (ORDER BY as_of_date) AS previous_date
    FROM (SELECT DISTINCT as_of_date FROM marts.tier_history WHERE as_of_date <= getvariable('run_end'))
),
run_dates AS (
    SELECT * FROM dates WHERE as_of_date BETWEEN getvariable('run_start') AND getvariable('run_end')
),
now AS (
    SELECT d.as_of_date, h.customer_id, h.tier
    FROM run_dates AS d JOIN marts.tier_history AS h ON h.as_of_date = d.as_of_date
    WHERE h.segment IS DISTINCT FROM 'prospect'
),
before AS (
    SELECT d.as_of_date, h.customer_id, h.tier
    FROM run_dates AS d JOIN marts.tier_history AS h ON h.as_of_date = d.previous_date
    WHERE h.segment IS DISTINCT FROM 'prospect'
)
SELECT
    coalesce(n.as_of_date, b.as_of_date) AS as_of_date,
    b.tier AS from_tier,
    n.tier AS to_tier,
    count(*) AS customers,
    sum(t.revenue_12m::DECIMAL(38, 6))::DOUBLE AS revenue_12m
FROM now AS n
FULL JOIN before AS b ON b.as_of_date = n.as_of_date AND b.customer_id = n.customer_id
LEFT JOIN traits.daily_traits AS t ON t.as_of_date = n.as_of_date AND t.customer_id = n.customer_id
GROUP BY ALL
ORDER BY as_of_date, from_tier NULLS FIRST, to_tier NULLS FIRST
