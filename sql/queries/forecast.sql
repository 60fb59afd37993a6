-- The lookups of tiering/warehouse/forecast.py.

-- name: counts
-- Per as-of date: customers left without an expected purchase count, and customers with p_alive.
SELECT as_of_date, count(*) - count(expected_purchases_12m) AS unforecast, count(p_alive) AS forecast
FROM forecast.customer_value
GROUP BY as_of_date

-- name: fit_orders
-- What a fit as of $fitted_as_of is made from, as one fingerprint: the count and the sum of the hashes of the
-- completed orders up to that day (customer, date and amount: what the models read).
SELECT count(*) || ':' || coalesce(sum(hash(customer_id, order_date, net_amount)), 0)
FROM staging.orders
WHERE status = 'completed' AND order_date <= $fitted_as_of

-- name: stored_fit
-- The fit as of a day, if it was made from the same inputs.
SELECT fit FROM forecast.fits WHERE fitted_as_of = $fitted_as_of AND inputs = $inputs

-- name: store_fit
-- A fit just made, replacing the one of its day.
INSERT OR REPLACE INTO forecast.fits VALUES (?, ?, ?, now())
