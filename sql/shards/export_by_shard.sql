-- One table written as Parquet, one folder per shard (shard=<n>/), in bucket order so parts skip row groups.
COPY (SELECT *, customer_bucket % {shards} AS shard FROM {table} ORDER BY customer_bucket)
TO '{path}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (shard), OVERWRITE_OR_IGNORE)
