"""Moving frames between DuckDB and Polars through Arrow, fetched fully (DuckDB 2.0 blocks on open results).

Large steps work on one customer part at a time. Every staging table carries customer_bucket =
hash(customer_id) % CUSTOMER_BUCKETS (the SQL macro customer_bucket(), see bucket_macro) and is stored in bucket
order, so a part, a range of buckets, is read from
its own blocks only (DuckDB skips the others by their min/max): queries filter on
`customer_bucket >= $bucket_lo::USMALLINT AND customer_bucket < $bucket_hi::USMALLINT`.
"""

import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

import duckdb
import polars as pl

from tiering.warehouse.sql import bound, render, run_sql, sql_text


def read_sql(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> pl.DataFrame:
    """The result of the query `name` (see tiering.warehouse.sql), binding those of `params` it uses."""
    text = sql_text(name)
    return con.sql(text, params=bound(text, params)).pl()


CUSTOMER_BUCKETS = 1024


def bucket_macro(con: duckdb.DuckDBPyConnection) -> None:
    """Define customer_bucket(customer_id) for the connection: the one definition of a customer's bucket."""
    run_sql(con, "tables:customer_bucket", buckets=str(CUSTOMER_BUCKETS))


def customer_parts(con: duckdb.DuckDBPyConnection, table: str, rows_per_part: int) -> list[dict[str, int]]:
    """The query parameters (bucket_lo, bucket_hi) of the customer parts that split `table` into parts of
    about `rows_per_part` rows: at least 1, at most CUSTOMER_BUCKETS. Defines customer_bucket() for the parts'
    queries."""
    bucket_macro(con)
    rows = row_count(con, table)
    parts = min(CUSTOMER_BUCKETS, max(1, -(-rows // rows_per_part)))
    bounds = [part * CUSTOMER_BUCKETS // parts for part in range(parts + 1)]
    return [{"bucket_lo": lo, "bucket_hi": hi} for lo, hi in itertools.pairwise(bounds)]


def row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """The number of rows of schema.table."""
    [(rows,)] = con.execute(render("tables:row_count", table=table)).fetchall()
    return rows


def write_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Replace schema.table with the frame's rows."""
    con.register("_frame", frame)
    try:
        run_sql(con, "tables:replace_table", schema=table.split(".")[0], table=table)
    finally:
        con.unregister("_frame")


def append_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Add the frame's rows to schema.table, matching columns by name."""
    con.register("_frame", frame)
    try:
        run_sql(con, "tables:append_table", table=table)
    finally:
        con.unregister("_frame")


def replace_in_parts(con: duckdb.DuckDBPyConnection, table: str, frames: Iterable[pl.DataFrame]) -> None:
    """Replace schema.table with the rows of the frames, written as each comes (the first replaces the table),
    so that only one frame is held at a time; the caller's transaction, if any, keeps the table whole."""
    for number, frame in enumerate(frames):
        (append_table if number else write_table)(con, table, frame)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction around the block: committed at its end, rolled back if anything in it fails."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def set_run_window(con: duckdb.DuckDBPyConnection, first: date, last: date) -> None:
    """Expose the run's as-of dates to SQL as getvariable('run_start') and getvariable('run_end')."""
    run_sql(con, "tables:set_date", {"day": first}, variable="run_start")
    run_sql(con, "tables:set_date", {"day": last}, variable="run_end")
