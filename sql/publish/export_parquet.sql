COPY (SELECT * FROM {table}) TO '{path}' (FORMAT parquet, COMPRESSION zstd)
