-- One table written as Parquet, one folder per shard (shard=<n>/). The staging tables are stored in bucket
-- order and DuckDB keeps that order, so a shard's row groups stay in bucket order and a part skips the others.
COPY (SELECT *, customer_bucket % {shards} AS shard FROM {table})
TO '{path}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (shard), OVERWRITE_OR_IGNORE)
