-- A table's columns and no row: what a shard without rows of that table reads.
COPY (SELECT * FROM {table} LIMIT 0) TO '{path}' (FORMAT parquet)
