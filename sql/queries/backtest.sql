-- The lookups and small statements of tiering/backtest/; table names from tiering.backtest.outcomes.TABLES.

-- name: current_database
SELECT current_database()

-- name: leave_scratch
-- Back to the working database; the scratch database and all in it are gone.
USE {work};
DETACH {scratch}

-- name: copy_fits
-- The working database's fits of the forecast, so that a backtest reuses those made from the same orders.
INSERT INTO forecast.fits SELECT * FROM {work}.forecast.fits

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
