"""Moving frames between DuckDB and Polars through Arrow, fetched fully (DuckDB 2.0 blocks on open results)."""

from datetime import date

import duckdb
import polars as pl


def read_table(con: duckdb.DuckDBPyConnection, table: str) -> pl.LazyFrame:
    """The whole table as a Polars LazyFrame."""
    return con.sql(f"SELECT * FROM {table}").pl().lazy()


def write_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Replace schema.table with the frame's rows."""
    schema = table.split(".")[0]
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.register("_frame", frame)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _frame")
    finally:
        con.unregister("_frame")


def set_run_window(con: duckdb.DuckDBPyConnection, first: date, last: date) -> None:
    """Expose the run's as-of dates to SQL as getvariable('run_start') and getvariable('run_end')."""
    con.execute("SET VARIABLE run_start = $day::DATE", {"day": first})
    con.execute("SET VARIABLE run_end = $day::DATE", {"day": last})
