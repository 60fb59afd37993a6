-- The statements of tiering/warehouse/tables.py: tables replaced or appended from frames, row counts, the run's window.

-- name: row_count
SELECT count(*) FROM {table}

-- name: replace_table
-- A table replaced with the rows of the registered frame _frame.
CREATE SCHEMA IF NOT EXISTS {schema};
CREATE OR REPLACE TABLE {table} AS SELECT * FROM _frame

-- name: append_table
-- The rows of the registered frame _frame added to a table, columns matched by name.
INSERT INTO {table} BY NAME SELECT * FROM _frame

-- name: set_date
-- A date for SQL as getvariable('<variable>').
SET VARIABLE {variable} = $day::DATE

-- name: customer_bucket
-- customer_bucket(customer_id): the bucket of a customer for this connection.
CREATE OR REPLACE TEMP MACRO customer_bucket(customer_id) AS (hash(customer_id) % {buckets})::USMALLINT;

