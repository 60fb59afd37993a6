"""Great Expectations 1.x (pinned in pyproject.toml) validating DuckDB tables through SQLAlchemy (duckdb-engine).

Import this module only inside a check: `import great_expectations` takes seconds. GX runs on a cursor of the
check's own DuckDB connection (a second connection to the file from this process would need the same
configuration). The one adaptation GX needs on DuckDB: it must keep one persisted connection, as it does for
SQLite (with a connection per query, DuckDB's results come back empty), whose transaction ends when GX begins one
on another connection (else GX computes its metrics twice). tests/warehouse/test_quality_gx.py pins both, so an
upgrade that breaks them fails a test.
"""

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import sqlalchemy as sa
from duckdb_engine import ConnectionWrapper
from great_expectations.data_context.types.base import ProgressBarsConfig

from tiering.warehouse.quality.suites import Expectation, Outcome

EXAMPLES = 5  # failing values shown per expectation
ROWS_QUERY = "UnexpectedRowsExpectation"
_names = itertools.count()


def validate(
    con: duckdb.DuckDBPyConnection,
    table: str,
    suite: list[Expectation],
    rows: tuple[str, dict] | None = None,
) -> list[Outcome]:
    """Validate schema.table, or the rows the query `rows` selects from it, against the expectations, in order.
    GX runs each query of unexpected rows twice, for its count and for up to 200 of its rows, which the summary
    drops; only those that fail run again (twice) to give a few rows."""
    with _batch(con, table, rows) as batch:
        outcomes = [_outcome(e, r) for e, r in zip(suite, _run(batch, suite, examples=False), strict=True)]
        failed = [o for o in outcomes if o.expectation.kind == ROWS_QUERY and not o.success and not o.error]
        if failed:
            results = _run(batch, [o.expectation for o in failed], examples=True)
            for outcome, result in zip(failed, results, strict=True):
                outcome.examples = _outcome(outcome.expectation, result).examples
    return outcomes


@cache
def _context():
    context = gx.get_context(mode="ephemeral")
    # No progress bars: they would fill the output of `tiers run` and the run logs.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


@contextmanager
def _batch(con: duckdb.DuckDBPyConnection, table: str, rows: tuple[str, dict] | None) -> Iterator:
    """A GX batch on one persisted connection over a cursor of `con`: the whole table, or the selected rows
    copied once into a temporary table (every metric would otherwise select them again)."""
    cursor = con.cursor()
    if rows:
        query, params = rows
        cursor.execute(f"CREATE TEMP TABLE gx_rows AS {query}", params).fetchall()
    name = f"work_{next(_names)}"
    source = _context().data_sources.add_sql(
        name, connection_string="duckdb:///:memory:", kwargs={"creator": lambda: ConnectionWrapper(cursor)}
    )
    try:
        with _persisted_connection(source.get_execution_engine()):
            asset = source.add_query_asset(table, query=f"SELECT * FROM {'gx_rows' if rows else table}")
            yield asset.add_batch_definition_whole_table("whole table").get_batch()
    finally:
        _context().data_sources.delete(name)
        cursor.close()  # the database is released once its last connection closes


@contextmanager
def _persisted_connection(engine) -> Iterator[None]:
    """Make every query of the execution engine use one connection, closed at the end. GX reads a query's
    columns on a connection of its own, over the same DuckDB connection, which holds one transaction at a time:
    that connection's transaction first ends the persisted one's (a read, its results already fetched), else
    DuckDB refuses it and GX computes every metric of the round again."""
    connection = engine.engine.connect()

    @contextmanager
    def get_connection():
        try:
            yield connection
        except Exception:
            connection.rollback()  # a failed query aborts the transaction that the next query would run in
            raise

    def end_read(other) -> None:  # a transaction begins on another connection
        if other is not connection and connection.in_transaction():
            connection.rollback()

    engine.get_connection = get_connection
    sa.event.listen(engine.engine, "begin", end_read)
    try:
        yield
    finally:
        connection.close()
        engine.engine.dispose()


def _run(batch, expectations: list[Expectation], examples: bool) -> list:
    """GX's results in the order of the expectations (GX has an order of its own), matched by label.
    SUMMARY gives counts and a few failing values of column expectations, and only counts of queries;
    COMPLETE also gives the rows of queries."""
    suite = gx.ExpectationSuite(name=f"suite_{next(_names)}")
    for expectation in expectations:
        # the label, unique in a suite, is the description: it names the expectation in GX's results
        suite.add_expectation(
            getattr(gxe, expectation.kind)(**expectation.kwargs, description=expectation.label)
        )
    result_format = (
        "COMPLETE" if examples else {"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES}
    )
    results = batch.validate(suite, result_format=result_format).results
    by_label = {result.expectation_config.description: result for result in results}
    return [by_label[e.label] for e in expectations]


def _outcome(expectation: Expectation, result) -> Outcome:
    error = _error(result.exception_info)
    if error:
        return Outcome(expectation, success=False, error=error)
    details = result.result or {}
    if expectation.kind == ROWS_QUERY:
        rows = details.get("details", {}).get("unexpected_rows", [])
        examples = [dict(row) if isinstance(row, dict) else list(row) for row in rows[:EXAMPLES]]
        return Outcome(expectation, bool(result.success), details.get("observed_value"), examples)
    return Outcome(
        expectation,
        bool(result.success),
        details.get("unexpected_count"),
        list(details.get("partial_unexpected_list") or [])[:EXAMPLES],
    )


def _error(info: dict | None) -> str | None:
    """The first error message GX caught while validating, if any."""
    if not info:
        return None
    if not info.get("raised_exception"):
        info = next((v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")), {})
    message = str(info.get("exception_message") or "")
    lines = [line.strip() for line in message.splitlines() if "Error" in line] or message.splitlines()
    return lines[0][:300] if lines else None
