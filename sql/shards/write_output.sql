-- One table of a shard's results, written as one Parquet file.
COPY {table} TO '{path}' (FORMAT parquet, COMPRESSION zstd)
