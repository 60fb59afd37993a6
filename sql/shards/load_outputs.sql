-- One result table, the union of every shard's file, in a stable order.
CREATE SCHEMA IF NOT EXISTS {schema};
CREATE OR REPLACE TABLE {table} AS
SELECT * FROM read_parquet([{files}]) ORDER BY as_of_date, customer_id
