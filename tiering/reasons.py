"""Trait values in words a salesperson reads, as Polars expressions; each trait's words are in its declaration
(tiering/traits/__init__.py)."""

from typing import TYPE_CHECKING

import polars as pl

from tiering.traits import TRAIT_BY_NAME
from tiering.traits.trait import ValueFormat

if TYPE_CHECKING:
    from tiering.policy import Policy


def format_value(value: pl.Expr, kind: ValueFormat, currency: str) -> pl.Expr:
    """The value as short text: 12%, 3.4, 1520 USD."""
    if kind == "percent":
        return (value * 100).round(0).cast(pl.Int64).cast(pl.String) + "%"
    if kind == "signed_percent":
        pct = (value * 100).round(0).cast(pl.Int64)
        return pl.when(pct > 0).then(pl.lit("+")).otherwise(pl.lit("")) + pct.cast(pl.String) + "%"
    if kind == "money":
        return value.round(0).cast(pl.Int64).cast(pl.String) + f" {currency}"
    if kind == "integer":
        return value.round(0).cast(pl.Int64).cast(pl.String)
    return value.round(1).cast(pl.String)


def describe_trait(trait: str, value: pl.Expr, currency: str) -> pl.Expr:
    """'12% off list price on average' for a trait value."""
    kind, sentence = TRAIT_BY_NAME[trait].words
    before, after = sentence.split("{}")
    return pl.lit(before) + format_value(value, kind, currency) + pl.lit(after)


def describe(trait: str, value: pl.Expr, policy: "Policy") -> pl.Expr:
    """A trait value in words: a built-in trait's (describe_trait), or a signal trait's, '9 (nps latest, last
    365 days)'."""
    signal = policy.signals.get(trait)
    if signal is None:
        return describe_trait(trait, value, policy.base_currency)
    about = f" ({signal.signal} {signal.aggregate}, last {signal.window_days} days)"
    return format_value(value, "decimal", policy.base_currency) + pl.lit(about)
