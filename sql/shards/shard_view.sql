-- One table of the shard, as a view over its Parquet files.
CREATE SCHEMA IF NOT EXISTS {schema};
CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet([{files}], hive_partitioning = false)
