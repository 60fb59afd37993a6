-- The bi layer of the BI file (tiering/warehouse/bi_layer.py), filled with names and meanings from tiering/outputs.py.

-- name: schema
-- The schema of the stable BI views, in the BI file being published.
CREATE SCHEMA IF NOT EXISTS bi

-- name: view
-- A stable BI view over one mart: the mart's rows, its columns under BI names.
CREATE OR REPLACE VIEW {view} AS
SELECT
    {columns}
FROM {table}

-- name: comment
-- The meaning of a table, view or column, shown by BI tools and duckdb_columns().
COMMENT ON {kind} {target} IS {text}
