"""The record that declares one trait column: everything the pipeline, the reasons, the docs and the BI file know
about it. The declarations themselves are in tiering/traits/__init__.py."""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, NamedTuple

import polars as pl

ValueFormat = Literal["money", "percent", "signed_percent", "integer", "decimal"]
# How a parent account's value is made of its members' (marts.account_tiers): summed (money, counts), the
# revenue-weighted mean (shares, delays, rates), the least or greatest, or any member's flag.
Rollup = Literal["sum", "weighted", "min", "max", "any"]


class Words(NamedTuple):
    """How the reasons print a trait: the value's format (tiering.reasons.format_value) and the sentence around
    it, '{}' standing for the value: Words("percent", "{} gross margin") reads '34% gross margin'."""

    value: ValueFormat
    sentence: str


@dataclass(frozen=True)
class Trait:
    """One column of marts.customer_traits (and of marts.customer_tiers)."""

    name: str  # the column
    description: str  # its definition: docs/outputs.md and the column's COMMENT ON in tiers.duckdb
    reads: tuple[str, ...]  # the columns it is made of, "schema.table.column": its column lineage
    words: Words | None  # how reasons print it; None for a flag the policy cannot score (rising)
    bi_name: str | None = None  # its name in the bi views when the column name is shorthand
    expr: Callable[[], pl.Expr] | None = None  # builds it in compute_traits; None: not computed there
    # columns of `reads` that tell customers apart only with two different values company-wide (a status that
    # is always its default, a single product category): with fewer the trait is left out (tiering/traits/gaps.py)
    varied: tuple[str, ...] = ()
    rollup: Rollup = "weighted"  # how a parent account's value is made of its members'

    @classmethod
    def computed(
        cls,
        expr: Callable[[], pl.Expr],
        reads: tuple[str, ...],
        words: Words,
        bi_name: str | None = None,
        varied: tuple[str, ...] = (),
        rollup: Rollup = "weighted",
    ) -> "Trait":
        """A trait compute_traits builds with `expr`: named after the function, its docstring the definition."""
        description = " ".join(inspect.getdoc(expr).split())
        return cls(expr.__name__, description, reads, words, bi_name, expr, varied, rollup)
