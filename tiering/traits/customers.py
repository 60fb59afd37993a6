"""The customers known on the as-of date D, and their tenure."""

from datetime import date

import polars as pl

from tiering.traits.common import days_between


def known_customers(customers: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """One row per customer signed up on or before D (or with no signup date): id, as_of_date, signup."""
    signup = pl.col("signup_date")
    return customers.filter((signup <= as_of) | signup.is_null()).select(
        "customer_id",
        as_of_date=pl.lit(as_of, dtype=pl.Date),
        _signup_date=signup,
    )


def tenure_days() -> pl.Expr:
    """Days from signup_date to D (0 for a customer who signed up on D; null without a signup date)."""
    return days_between(pl.col("as_of_date"), pl.col("_signup_date"))
