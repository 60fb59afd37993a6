"""The pipeline's I/O: DuckDB tables in and out (tables, sql), loading the landing feeds (ingest, quality),
staging, the nightly forecast, traits and scores written part by part and shard by shard, publishing the BI file.
The logic they call is pure and lives beside this package: tiering.traits, tiering.clv, tiering.scoring."""
