-- The lookups of tiering/warehouse/dates.py: the newest as-of date run, the newest dated row of each staged fact table.

-- name: tables
-- The tables of the working database, as schema.table.
SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE database_name = current_database()

-- name: newest
-- The newest date of a dated column (a date or a timestamp) of a staged table; NULL when it has no rows.
SELECT max({column})::DATE FROM {table}

-- name: latest_as_of
-- The newest as-of date that has run: the date of the latest snapshot (marts.customer_tiers, the dashboard).
SELECT max(as_of_date) FROM marts.tier_history
