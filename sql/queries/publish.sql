-- The statements of tiering/warehouse/publish.py: the new BI file built beside the old one, and the Parquet exports.

-- name: current_database
SELECT current_database()

-- name: attach
-- The BI file being built, attached to the working database, written in the storage format of {version}.
ATTACH '{path}' AS {catalog} (STORAGE_VERSION '{version}')

-- name: create_schema
CREATE SCHEMA IF NOT EXISTS {catalog}.{schema}

-- name: copy_table
CREATE TABLE {catalog}.{schema}.{table} AS SELECT * FROM {schema}.{table}

-- name: use
USE {catalog}

-- name: checkpoint
CHECKPOINT {catalog}

-- name: detach
DETACH {catalog}

-- name: export_parquet
COPY (SELECT * FROM {table}) TO '{path}' (FORMAT parquet, COMPRESSION zstd)

-- name: export_csv
-- A CSV file for other tools: UTF-8, comma, a header row, double quotes around a value holding a comma, a quote
-- (doubled) or a line break, dates as YYYY-MM-DD, an empty field for NULL.
COPY ({query}) TO '{path}' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"', DATEFORMAT '%Y-%m-%d')

-- name: tables
-- The tables of the published file, as a reader opening it finds them.
SELECT schema_name, table_name FROM duckdb_tables()
