-- The meaning of a table, view or column from tiering/outputs.py, shown by BI tools and duckdb_columns().
COMMENT ON {kind} {target} IS {text}
