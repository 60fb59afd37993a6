"""Trait values in words a salesperson reads, as Polars expressions; each trait's words are in its declaration
(tiering/traits/__init__.py). One number format everywhere: thousands separated by commas (52,000 USD)."""

from typing import TYPE_CHECKING

import polars as pl

from tiering.traits import TRAIT_BY_NAME
from tiering.traits.trait import ValueFormat

if TYPE_CHECKING:
    from tiering.policy import Policy


def number(value: float) -> str:
    """A policy's number in words, with thousands separators: 25,000 or 0.25."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def thousands(text: pl.Expr) -> pl.Expr:
    """A number's text with the thousands of its whole part separated: '52000' -> '52,000', '-1234.5' -> '-1,234.5'."""
    parts = text.str.extract_groups(r"^(-?)(\d+)(.*)$")
    digits = parts.struct["2"].str.reverse().str.replace_all(r"(\d{3})", "${1},").str.strip_chars_end(",")
    return pl.coalesce(parts.struct["1"] + digits.str.reverse() + parts.struct["3"], text)  # '1e+16' as is


def format_value(value: pl.Expr, kind: ValueFormat, currency: str) -> pl.Expr:
    """The value as short text: 12%, 3.4, 1,520 USD."""
    if kind == "percent":
        return thousands((value * 100).round(0).cast(pl.Int64).cast(pl.String)) + "%"
    if kind == "signed_percent":
        pct = (value * 100).round(0).cast(pl.Int64)
        return pl.when(pct > 0).then(pl.lit("+")).otherwise(pl.lit("")) + thousands(pct.cast(pl.String)) + "%"
    if kind == "money":
        return thousands(value.round(0).cast(pl.Int64).cast(pl.String)) + f" {currency}"
    if kind == "integer":
        return thousands(value.round(0).cast(pl.Int64).cast(pl.String))
    return thousands(value.round(1).cast(pl.String))


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
    return format_value(value, value_format(trait, policy), policy.base_currency) + pl.lit(about)


def value_format(trait: str, policy: "Policy") -> ValueFormat:
    """How a trait's value is printed: as its declaration says; a signal trait's as a decimal."""
    return "decimal" if trait in policy.signals else TRAIT_BY_NAME[trait].words.value
