"""Helpers shared by the trait modules: the trailing window, day counts, null-safe ratios, running sums."""

from datetime import date, timedelta

import polars as pl

WINDOW_DAYS = 365


def window_start(as_of: date) -> date:
    """First day of the window of WINDOW_DAYS days ending on (and including) `as_of`."""
    return as_of - timedelta(days=WINDOW_DAYS - 1)


def days_between(later: pl.Expr, earlier: pl.Expr) -> pl.Expr:
    """Whole days from `earlier` to `later` (Int64; null if either is null)."""
    return (later - earlier).dt.total_days()


def ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator as Float64, null when the denominator is 0 or null."""
    return pl.when(denominator != 0).then(numerator / denominator)


def exact_sum(value: pl.Expr) -> pl.Expr:
    """Sum of a money value as Float64, added up in Decimal (each value rounded to 1e-6).

    A float sum depends on the order rows arrive in, which parallel engines do not fix; a Decimal sum does not,
    so a re-run gives identical traits.
    """
    return value.cast(pl.Decimal(38, 6)).sum().cast(pl.Float64)


def running_sum(value: pl.Expr, run_key: pl.Expr) -> pl.Expr:
    """Running sum of `value` (nulls as 0) restarting at each change of `run_key`, on rows sorted by it.

    Vectorised, one cumulative sum less the total before each run, in Decimal: each value is rounded to
    1e-6 and the sums are exact, however large the grand total.
    """
    exact = value.fill_null(0).cast(pl.Decimal(38, 6))
    total = exact.cum_sum()
    before_run = pl.when(run_key.ne_missing(run_key.shift(1))).then(total - exact).forward_fill()
    return (total - before_run).cast(pl.Float64)
