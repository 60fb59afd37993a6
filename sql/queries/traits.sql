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

-- name: column_stats
-- All customers' rows of one staging table, then per column the traits read ($columns, in the table's column
-- order): the rows with a value, the least value and the greatest (tiering/traits/gaps.py).
SELECT count(*), count(COLUMNS($columns)), min(COLUMNS($columns)), max(COLUMNS($columns))
FROM staging.{table}
