-- The lookups and statements of tiering/warehouse/shards.py: exports by shard, the shards' views and files, their union.

-- name: staged_version
-- What the staging tables were last built from, as one fingerprint: staged facts are exported again when it changes.
SELECT md5(string_agg(table_name || ':' || fingerprint || ':' || built_at::VARCHAR, ',' ORDER BY table_name))
FROM staging.build_state

-- name: export_by_bucket
-- A staging table written as Parquet, one folder per shard (shard=<n>/). The staging tables are stored in bucket
-- order and DuckDB keeps that order, so a shard's row groups stay in bucket order and a part skips the others.
COPY (SELECT *, customer_bucket % {shards} AS shard FROM {table})
TO '{path}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (shard), OVERWRITE_OR_IGNORE)

-- name: export_by_customer
-- A table of an earlier step (with customer_id, without customer_bucket) as Parquet, one folder per shard.
COPY (SELECT *, customer_bucket(customer_id) % {shards} AS shard FROM {table})
TO '{path}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (shard), OVERWRITE_OR_IGNORE)

-- name: export_schema
-- A table's columns and no row: what a shard without rows of that table reads.
COPY (SELECT * FROM {table} LIMIT 0) TO '{path}' (FORMAT parquet)

-- name: mark_complete
-- The file whose presence says that every table of an export was written.
COPY (SELECT 1 AS complete) TO '{path}' (FORMAT parquet)

-- name: file_count
-- How many files match a path pattern.
SELECT count(*) FROM glob($pattern)

-- name: shard_view
-- One table of the shard, as a view over its Parquet files.
CREATE SCHEMA IF NOT EXISTS {schema};
CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet('{files}', hive_partitioning = false)

-- name: write_output
-- One shard's rows of a table, written as one Parquet file.
COPY {table} TO '{path}' (FORMAT parquet, COMPRESSION zstd)

-- name: load_outputs
-- A table replaced by the union of every shard's file, in a stable order.
CREATE SCHEMA IF NOT EXISTS {schema};
CREATE OR REPLACE TABLE {table} AS
SELECT * FROM read_parquet($files) ORDER BY as_of_date, customer_id

-- name: object_store
-- Credentials for an object-store shard location, found as the AWS SDK finds them (environment, web identity
-- of the pod's service account, instance profile): needs DuckDB's httpfs and aws extensions (see deploy/Dockerfile).
CREATE OR REPLACE SECRET tiers_shard_storage (TYPE s3, PROVIDER credential_chain, SCOPE '{location}')
