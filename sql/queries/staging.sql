-- The lookups of tiering/warehouse/staging.py: what each staging table was built from, and the currencies without a rate.

-- name: build_state
-- What each staging table was last built from (a fingerprint of its SQL, the base currency and the manifest
-- of loaded files): a table whose inputs did not change is not rebuilt.
CREATE SCHEMA IF NOT EXISTS staging;
CREATE TABLE IF NOT EXISTS staging.build_state (
    table_name VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    built_at TIMESTAMP NOT NULL
);

-- name: built_fingerprint
-- The fingerprint a staging table was last built from; none when the table is missing.
SELECT s.fingerprint
FROM staging.build_state AS s
JOIN duckdb_tables() AS t ON t.schema_name = 'staging' AND t.table_name = s.table_name AND t.database_name = current_database()
WHERE s.table_name = $table_name

-- name: manifest
-- Every loaded file, in a fixed order: the raw tables change exactly when this does.
SELECT feed, file_name, sha256, run_id FROM quality.loaded_files ORDER BY ALL

-- name: missing_rates
-- Currencies used by orders that have no rate: the run is refused while any remain.
SELECT coalesce(o.currency, $base_currency) AS currency, count(*) AS orders
FROM raw.orders AS o
ANTI JOIN staging.fx_rates AS r ON r.currency = coalesce(o.currency, $base_currency)
GROUP BY ALL
ORDER BY orders DESC

-- name: record_build
INSERT OR REPLACE INTO staging.build_state VALUES ($table_name, $fingerprint, current_localtimestamp())
