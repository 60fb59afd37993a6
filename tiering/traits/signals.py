"""Traits the policy declares from the signals feed (its `signals:` section): per customer, an aggregate of one
signal's values dated in the window_days ending on the as-of date D; null without such a value."""

from collections.abc import Mapping
from datetime import date, timedelta

import polars as pl

from tiering.policy import SignalTrait


def window_start(rule: SignalTrait, as_of: date) -> date:
    """The first day of the rule's window ending on as_of."""
    return as_of - timedelta(days=rule.window_days - 1)


def signal_value(rule: SignalTrait, as_of: date) -> pl.Expr:
    """The aggregate of the rule's signal over its window, in a group of one customer's signals."""
    inside = (pl.col("signal") == rule.signal.lower()) & pl.col("signal_date").is_between(
        window_start(rule, as_of), as_of
    )
    value = pl.col("value").filter(inside)
    match rule.aggregate:
        case "latest":  # the value of the latest date (one value a customer, signal and date: the feed's key)
            aggregate = value.sort_by(pl.col("signal_date").filter(inside)).last()
        case "sum":
            aggregate = value.sum()
        case "mean":
            aggregate = value.mean()
        case "count":
            aggregate = value.len()
        case "min":
            aggregate = value.min()
        case "max":
            aggregate = value.max()
    return pl.when(inside.any()).then(aggregate.cast(pl.Float64))


def signal_traits(
    customers: pl.LazyFrame, signals: pl.LazyFrame, rules: Mapping[str, SignalTrait], as_of: date
) -> pl.LazyFrame:
    """customer_id and one Float64 column per rule (its name), for every customer of `customers`."""
    values = signals.group_by("customer_id").agg(
        signal_value(rule, as_of).alias(name) for name, rule in rules.items()
    )
    return customers.select("customer_id").join(values, on="customer_id", how="left")
