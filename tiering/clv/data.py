"""From a transaction log (customer_id, date, amount) to the per-customer summary the models are fitted on."""

from datetime import date

import polars as pl

TIME_UNITS = {"day": 1.0, "week": 7.0}
FIXED_POINT = 10_000  # amounts are summed in 1/10,000 of the currency unit


class ClvError(ValueError):
    """The data cannot support the models; the message says why in words."""


def purchase_days(transactions: pl.LazyFrame) -> pl.LazyFrame:
    """One row per customer and day with a purchase, the day's amounts summed (same-day purchases are one).

    Rows with an amount below 0 (returns, credits) are not purchases and are left out before the merge.
    Amounts are summed exactly, in fixed point (FIXED_POINT parts of the currency unit): floating-point sums
    would depend on the order of the rows, which no engine guarantees, and the same log gives the same bits.
    """
    return (
        transactions.filter(pl.col("amount") >= 0)
        .group_by("customer_id", "date")
        .agg(amount=_fixed_point(pl.col("amount")).sum() / FIXED_POINT)
    )


def _fixed_point(amount: pl.Expr) -> pl.Expr:
    """The amount as a whole number of 1/FIXED_POINT currency units: sums of these are exact."""
    return (amount * FIXED_POINT).round().cast(pl.Int64)


def summarise(
    days: pl.LazyFrame, calibration_end: date, unit_days: float, holdout_end: date | None = None
) -> pl.DataFrame:
    """Per customer whose first purchase day is on or before calibration_end, sorted by customer_id:

    x = purchase days after the first, up to calibration_end; t_x = first to last of them and T = first to
    calibration_end, in units of unit_days; m = mean amount of the x repeat days (null when x = 0);
    holdout = purchase days in (calibration_end, holdout_end] (0 without holdout_end).
    """
    day, units = pl.col("date"), _fixed_point(pl.col("amount"))
    calibration = (
        days.filter(day <= calibration_end)
        .group_by("customer_id")
        .agg(
            x=pl.len().cast(pl.Int64) - 1,
            first=day.min(),
            last=day.max(),
            repeat_amount=units.sum() - units.get(day.arg_min()),  # all days but the first
        )
    )
    holdout = (
        days.filter(day > calibration_end, day <= (holdout_end or calibration_end))
        .group_by("customer_id")
        .agg(holdout=pl.len().cast(pl.Int64))
    )
    return (
        calibration.join(holdout, on="customer_id", how="left")
        .select(
            "customer_id",
            "x",
            t_x=(pl.col("last") - pl.col("first")).dt.total_days() / unit_days,
            T=(pl.lit(calibration_end) - pl.col("first")).dt.total_days() / unit_days,
            m=pl.when(pl.col("x") > 0).then(pl.col("repeat_amount") / FIXED_POINT / pl.col("x")),
            holdout=pl.col("holdout").fill_null(0),
        )
        .sort("customer_id")
        .collect()
    )
