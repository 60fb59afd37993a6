"""Helpers shared by the trait modules: the trailing window and null-safe ratios."""

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
