-- The lookups and small statements of tiering/backtest/; table names from tiering.backtest.outcomes.TABLES.

-- name: current_database
SELECT current_database()

-- name: attach_work
-- The working database, read-only, beside an in-memory one (a read-only connection cannot attach a scratch
-- database): what a simulation reads.
ATTACH '{path}' AS work (READ_ONLY);
USE work

-- name: leave_scratch
-- Back to the working database; the scratch database and all in it are gone.
USE {work};
DETACH {scratch}

-- name: copy_fits
-- The working database's fits of the forecast, so that a backtest reuses those made from the same orders.
INSERT INTO forecast.fits SELECT * FROM {work}.forecast.fits

-- name: read_only
SELECT readonly FROM duckdb_databases() WHERE database_name = $database

-- name: keep_fits
-- The fits a backtest made, kept in the working database for the next one (and the nightly run) to reuse.
INSERT OR REPLACE INTO {work}.forecast.fits SELECT * FROM forecast.fits

-- name: missing_tables
-- The working database's tables a backtest reads that a nightly run has not made yet.
SELECT t FROM unnest($tables::VARCHAR[]) AS u(t)
WHERE t NOT IN (SELECT schema_name || '.' || table_name FROM duckdb_tables())

-- name: order_dates
-- The first and last order dates of the staged orders.
SELECT min(order_date), max(order_date) FROM staging.orders

-- name: forget
-- A backtest's earlier rows, replaced by the new ones.
DELETE FROM {table} WHERE scored_on = $scored_on AND horizon_days = $horizon_days AND policy_version = $policy_version

-- name: traits_held
-- How many customers' traits traits.daily_traits holds for a date (the last run's dates only).
SELECT count(*) FROM traits.daily_traits WHERE as_of_date = $as_of

-- name: dates_held
SELECT min(as_of_date), max(as_of_date) FROM traits.daily_traits

-- name: revenue_12m
-- Each customer's revenue of the 12 months up to a date, from the stored traits.
SELECT customer_id, revenue_12m FROM traits.daily_traits WHERE as_of_date = $as_of

-- name: published_tiers
-- Each customer's tier as the run of the date published it.
SELECT customer_id, tier AS from_tier FROM marts.tier_history WHERE as_of_date = $as_of

-- name: traits_and_outcomes
-- Every customer's traits as of $scored_on (the scratch database's traits.daily_traits) with its outcome in
-- ($scored_on, $horizon_end]: the net revenue of its completed orders, and whether it placed one.
SELECT t.*, coalesce(o.outcome_revenue, 0) AS outcome_revenue, o.customer_id IS NOT NULL AS retained
FROM traits.daily_traits AS t
LEFT JOIN outcomes($scored_on, $horizon_end) AS o USING (customer_id)
WHERE t.as_of_date = $scored_on
ORDER BY t.customer_id

-- name: profiles
-- The customers' profile columns, for a policy's profile criteria.
SELECT * EXCLUDE (customer_bucket) FROM staging.customers
