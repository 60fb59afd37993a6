-- The lookups of tiering/warehouse/forecast.py.

-- name: counts
-- Per as-of date: customers left without an expected purchase count, and customers with p_alive.
SELECT as_of_date, count(*) - count(expected_purchases_12m) AS unforecast, count(p_alive) AS forecast
FROM forecast.customer_value
GROUP BY as_of_date
