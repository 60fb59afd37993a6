-- The lookups of tiering/warehouse/traits.py.

-- name: category_firsts
-- Each product category with the first day anyone bought it: the category universe of any date, in a few rows.
SELECT product_category, min(order_date) AS order_date
FROM staging.order_categories
GROUP BY product_category

-- name: run_forecast
-- The forecasts of the run's dates, for the traits' shards.
CREATE OR REPLACE TEMP TABLE shard_input AS
SELECT * FROM forecast.customer_value WHERE as_of_date BETWEEN $first_date AND $last_date

-- name: customers_rising
-- Customers flagged rising on the run's last date.
SELECT count(*) FROM marts.customer_traits WHERE rising
