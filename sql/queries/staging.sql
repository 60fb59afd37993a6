-- The lookups of tiering/warehouse/staging.py: what each staging table was built from, the keys a night's new raw
-- rows touch, and the currencies without a rate.

-- name: build_state
-- What each staging table was last made from (a fingerprint of its SQL, the base currency, the rates and each raw
-- table's first load), the raw rows it holds (every load up to loaded_through) and the rows added at its end since
-- it was last made in bucket order.
CREATE SCHEMA IF NOT EXISTS staging;
CREATE TABLE IF NOT EXISTS staging.build_state (
    table_name VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    built_at TIMESTAMP NOT NULL
);
ALTER TABLE staging.build_state ADD COLUMN IF NOT EXISTS loaded_through BIGINT;
ALTER TABLE staging.build_state ADD COLUMN IF NOT EXISTS rows_appended BIGINT;

-- name: built
-- How a staging table was last built: none when the table is missing.
SELECT s.fingerprint, s.loaded_through, s.rows_appended
FROM staging.build_state AS s
JOIN duckdb_tables() AS t ON t.schema_name = 'staging' AND t.table_name = s.table_name AND t.database_name = current_database()
WHERE s.table_name = $table_name

-- name: raw_state
-- The rates and each raw table's first load, in a fixed order (a full reload of a feed starts it anew: its
-- staging is then made anew), and the newest load of any raw table.
SELECT
    (SELECT string_agg(currency || '=' || rate_to_base, ',' ORDER BY currency) FROM raw.fx_rates) AS rates,
    (
        SELECT string_agg(table_name || ':' || coalesce(first_load::VARCHAR, '-'), ',' ORDER BY table_name)
        FROM (VALUES {first_loads}) AS f(table_name, first_load)
    ) AS first_loads,
    greatest({last_loads}) AS last_load

-- name: first_load
(SELECT min(coalesce(_load_id, 0)) FROM raw.{feed})

-- name: last_load
(SELECT coalesce(max(_load_id), 0) FROM raw.{feed})

-- name: touched
-- The keys of each staging table that the raw rows of the loads after $since add or change, from the raw tables
-- and the staging tables as they are before the night's update (an order's old customer and day, an invoice's
-- order, a payment's invoice).
CREATE OR REPLACE TEMP TABLE touched_customers AS
SELECT customer_id FROM raw.customers WHERE _load_id > $since;
CREATE OR REPLACE TEMP TABLE touched_orders AS
SELECT order_id FROM raw.orders WHERE _load_id > $since
UNION
SELECT order_id FROM raw.order_lines WHERE _load_id > $since;
CREATE OR REPLACE TEMP TABLE touched_order_categories AS
SELECT customer_id, order_date FROM raw.orders SEMI JOIN touched_orders USING (order_id)
UNION
SELECT customer_id, order_date FROM staging.orders SEMI JOIN touched_orders USING (order_id);
CREATE OR REPLACE TEMP TABLE touched_invoices AS
SELECT invoice_id FROM raw.invoices WHERE _load_id > $since
UNION
SELECT invoice_id FROM staging.invoices WHERE order_id IN (SELECT order_id FROM raw.orders WHERE _load_id > $since);
CREATE OR REPLACE TEMP TABLE touched_payments AS
SELECT payment_id FROM raw.payments WHERE _load_id > $since
UNION
SELECT payment_id FROM staging.payments SEMI JOIN touched_invoices USING (invoice_id);
CREATE OR REPLACE TEMP TABLE touched_tickets AS
SELECT ticket_id FROM raw.support_tickets WHERE _load_id > $since;
CREATE OR REPLACE TEMP TABLE touched_opportunities AS
SELECT opportunity_id FROM raw.opportunities WHERE _load_id > $since;
CREATE OR REPLACE TEMP TABLE touched_signals AS
SELECT DISTINCT customer_id FROM raw.signals WHERE _load_id > $since

-- name: touched_rows
SELECT count(*) FROM touched_{table}

-- name: in_touched
-- A raw table's rows of the keys a night touches.
(FROM {raw} SEMI JOIN touched_{table} USING ({key}))

-- name: in_part
-- A raw table's rows of the customers of one part (buckets bucket_lo up to bucket_hi), for a table made anew in
-- parts.
(
    FROM {raw}
    WHERE customer_bucket(customer_id) >= $bucket_lo::USMALLINT AND customer_bucket(customer_id) < $bucket_hi::USMALLINT
)

-- name: order_lines_in_part
-- The order lines of the orders of one part's customers.
(
    FROM raw.order_lines SEMI JOIN (
        SELECT order_id FROM raw.orders
        WHERE customer_bucket(customer_id) >= $bucket_lo::USMALLINT AND customer_bucket(customer_id) < $bucket_hi::USMALLINT
    ) USING (order_id)
)

-- name: payments_in_part
-- The payments of the invoices of one part's customers (staging.invoices is made before them).
(
    FROM raw.payments SEMI JOIN (
        SELECT invoice_id FROM staging.invoices
        WHERE customer_bucket >= $bucket_lo::USMALLINT AND customer_bucket < $bucket_hi::USMALLINT
    ) USING (invoice_id)
)

-- name: delete_touched
-- A staging table's rows of the keys a night touches, before their rows are written again.
DELETE FROM staging.{table} AS s USING touched_{table} AS t WHERE {key_match}

-- name: sort_table
-- A staging table in bucket order again, once the rows added at its end are many.
CREATE OR REPLACE TABLE staging.{table} AS FROM staging.{table} ORDER BY customer_bucket

-- name: missing_rates
-- Currencies used by orders that have no rate: the run is refused while any remain.
SELECT coalesce(o.currency, $base_currency) AS currency, count(*) AS orders
FROM raw.orders AS o
ANTI JOIN staging.fx_rates AS r ON r.currency = coalesce(o.currency, $base_currency)
GROUP BY ALL
ORDER BY orders DESC

-- name: record_build
INSERT OR REPLACE INTO staging.build_state (table_name, fingerprint, built_at, loaded_through, rows_appended)
VALUES ($table_name, $fingerprint, current_localtimestamp(), $loaded_through, $rows_appended)
