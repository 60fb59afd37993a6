"""Customers scored as of a past date exactly as the nightly run scores them: the same functions (forecast,
traits, scores) on the same staged facts, each using only data dated up to that date. They run in a scratch
database attached beside the working one, so the nightly's own tables are not touched."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb

from tiering.policy import Policy
from tiering.warehouse.forecast import fit_forecasts, write_forecasts
from tiering.warehouse.scores import write_scores
from tiering.warehouse.shards import STAGED
from tiering.warehouse.sql import quoted, run_sql, sql_text
from tiering.warehouse.traits import category_universe, traits_left_out, write_traits

SCRATCH = "backtest_scratch"
# what a backtest reads from the working database: a nightly run makes them
READS = (
    *(f"staging.{t}" for t in STAGED),
    "marts.tier_history",
    "forecast.fits",
)


class BacktestError(Exception):
    """A backtest cannot be run on this data; the message says why, in one line."""


@contextmanager
def scratch(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    """The scratch database as the connection's default for the block (see sql/backtest/scratch.sql); the
    working database's name given to the block, and made the default again after it."""
    [(work,)] = con.execute(sql_text("backtest:current_database")).fetchall()
    missing = [t for (t,) in con.execute(sql_text("backtest:missing_tables"), {"tables": READS}).fetchall()]
    if missing:
        raise BacktestError(
            f"the working database has no {', '.join(missing)}: run the nightly job (`tiers run`) first"
        )
    run_sql(con, "backtest/scratch", work=work, scratch=SCRATCH)
    try:
        run_sql(con, "forecast/fits")
        run_sql(con, "backtest:copy_fits", work=work)
        yield work
    finally:
        run_sql(con, "backtest:leave_scratch", work=work, scratch=SCRATCH)


def score_as_of(
    con: duckdb.DuckDBPyConnection,
    work: str,
    day: date,
    policy: Policy,
    sample_size: int,
    orders_per_part: int,
) -> None:
    """In the scratch database: forecast.customer_value, traits.daily_traits and scoring.customer_scores as of
    `day`, as a nightly run of that date with `policy` makes them (near a cut-off, the tier of the day before
    in the tier history is kept, as the run keeps it; the scores without their words); see traits_as_of."""
    traits_as_of(con, work, day, policy, sample_size, orders_per_part)
    write_scores(con, [day], policy, orders_per_part, words=False)


def traits_as_of(
    con: duckdb.DuckDBPyConnection,
    work: str,
    day: date,
    policy: Policy,
    sample_size: int,
    orders_per_part: int,
) -> None:
    """In the scratch database: forecast.customer_value and traits.daily_traits as of `day`, as a nightly run
    of that date with `policy` makes them (its rising rule and signal traits). A fit of the forecast it had to make is kept, unless
    the working database is open read-only."""
    fits = fit_forecasts(con, [day], sample_size, orders_per_part)
    [(read_only,)] = con.execute(sql_text("backtest:read_only"), {"database": work}).fetchall()
    if not read_only:
        run_sql(con, "backtest:keep_fits", work=work)
    write_forecasts(con, [day], fits, orders_per_part)
    write_traits(
        con,
        [day],
        policy.rising,
        category_universe(con),
        orders_per_part,
        traits_left_out(con),
        policy.signals,
    )


@contextmanager
def read_only_work(work_db: Path, memory_limit: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory connection with the working database attached read-only as its default (a read-only
    connection could not attach the scratch database); BacktestError while a run is writing to it."""
    if not work_db.exists():
        raise BacktestError(f"{work_db} does not exist: run the nightly job (`tiers run`) first")
    with duckdb.connect(config={"memory_limit": memory_limit}) as con:
        try:
            run_sql(con, "backtest:attach_work", path=quoted(work_db))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            raise BacktestError(f"a run is writing to {work_db}: try again when it has ended") from None
        yield con
