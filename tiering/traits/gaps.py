"""Which traits are left out because their input is absent company-wide, and why.

Missing is never perfect: a trait whose input is absent is null for every customer, so not scored (the policy
re-weights the others). An input column is absent when its feed is empty (an absent feed loads as an empty
table) or the column is null throughout; a trait's `varied` column also when it holds a single value (a status
that is always its default, one product category). The columns come from each trait's declaration (`reads`,
`varied`), the feed columns behind them from the lineage (tiering/lineage.py). A customer without a ticket while
the ticket feed has rows has 0 tickets: a fact, not a gap.

The statistics are taken over all customers' staging rows (tiering/warehouse/traits.py, input_stats) or over
whole input frames (frame_stats), never over one part's.
"""

from typing import NamedTuple

import polars as pl

from tiering.feeds import FEEDS
from tiering.lineage import LINEAGE
from tiering.traits import TRAIT_BY_NAME, TRAITS, Trait


class ColumnStats(NamedTuple):
    """What the gaps need to know of one input column, over all customers."""

    rows: int  # rows of its table
    values: int  # rows with a value
    varied: bool  # two different values or more


def read_columns() -> dict[str, list[str]]:
    """The columns the computed traits read, by input (the staging table's name: orders, tickets, ...)."""
    columns: dict[str, list[str]] = {}
    for trait in TRAITS:
        for column in trait.reads:
            _, table, name = column.split(".")
            if name not in columns.setdefault(table, []):
                columns[table].append(name)
    return columns


def frame_stats(inputs: dict[str, pl.LazyFrame]) -> dict[str, ColumnStats]:
    """The statistics of every read column, from whole input frames (compute_traits' arguments)."""
    stats = {}
    for table, names in read_columns().items():
        row = (
            inputs[table]
            .select(
                pl.len().alias("_rows"),
                *(pl.col(name).count().alias(f"values:{name}") for name in names),
                *(pl.col(name).drop_nulls().n_unique().alias(name) for name in names),
            )
            .collect()
            .row(0, named=True)
        )
        for name in names:
            stats[f"staging.{table}.{name}"] = ColumnStats(
                row["_rows"], row[f"values:{name}"], row[name] >= 2
            )
    return stats


def left_out(stats: dict[str, ColumnStats]) -> dict[str, str]:
    """Each computed trait whose input is absent, with the reason ('no support_tickets feed'), in column order."""
    reasons = {trait.name: _reason(trait, stats) for trait in TRAITS}
    return {name: reason for name, reason in reasons.items() if reason}


def left_out_lines(traits_left_out: dict[str, str]) -> list[str]:
    """One line per reason: 'support traits (tickets_12m, ...): no support_tickets feed'."""
    by_reason: dict[str, list[str]] = {}
    for name, reason in traits_left_out.items():
        by_reason.setdefault(reason, []).append(name)
    return [f"{_label(names)}: {reason}" for reason, names in by_reason.items()]


def _reason(trait: Trait, stats: dict[str, ColumnStats]) -> str | None:
    empty = _unique(
        _first_read(column.rpartition(".")[0], trait) for column in trait.reads if stats[column].rows == 0
    )
    absent = _unique(_feed_columns(column)[0] for column in empty)
    absent = [feed for feed in absent if not _has_rows(feed, stats)]
    if absent:
        return f"no {' or '.join(absent)} feed"
    if empty:  # a table derived from a feed that has rows (order_categories): its first column is missing
        return "no " + _in_feeds(empty, " or ")
    missing = [column for column in trait.reads if stats[column].values == 0]
    if missing:
        return "no " + _in_feeds(missing, " or ")
    single = [column for column in trait.varied if not stats[column].varied]
    if single:
        return "fewer than two different " + _in_feeds(single, " or ", " values")
    return None


def _first_read(table: str, trait: Trait) -> str:
    """The first column the trait reads of a staging table: what the table is made for (order_categories:
    product_category)."""
    return next(column for column in trait.reads if column.startswith(f"{table}."))


def _has_rows(feed: str, stats: dict[str, ColumnStats]) -> bool:
    """Whether a staging table the traits read holds rows made from the feed."""
    return any(
        column_stats.rows > 0 and any(source.startswith(f"raw.{feed}.") for source in _sources(column))
        for column, column_stats in stats.items()
    )


def _sources(column: str) -> tuple[str, ...]:
    table, _, name = column.rpartition(".")
    return LINEAGE[table][name]


def _feed_columns(column: str) -> tuple[str, list[str]]:
    """The feed a staging column comes from and the feed columns it is made of, the optional ones if any
    (premium_net_amount: order_lines, [is_premium])."""
    raw = [source.split(".")[1:] for source in _sources(column) if source.startswith("raw.")]
    feed = raw[0][0]
    names = [source_column for source_feed, source_column in raw if source_feed == feed]
    optional = [source_column for source_column in names if not FEEDS[feed].column(source_column).required]
    return feed, optional or names


def _in_feeds(columns: list[str], joiner: str, suffix: str = "") -> str:
    """'cost_amount in order_lines', 'discount_amount or list_amount in order_lines', by feed."""
    by_feed: dict[str, list[str]] = {}
    for column in columns:
        feed, names = _feed_columns(column)
        by_feed.setdefault(feed, [])
        by_feed[feed] += [name for name in names if name not in by_feed[feed]]
    return "; ".join(f"{joiner.join(names)}{suffix} in {feed}" for feed, names in by_feed.items())


def _label(names: list[str]) -> str:
    """'support traits (a, b, ...)' when the names are every trait of one module, else the names."""
    modules = {TRAIT_BY_NAME[name].expr.__module__ for name in names}
    if len(modules) == 1:
        module = modules.pop()
        whole = [trait.name for trait in TRAITS if trait.expr.__module__ == module]
        if whole == names and len(names) > 1:
            kind = {"payments": "payment", "orders": "order", "customers": "customer"}.get(
                module.rpartition(".")[2], module.rpartition(".")[2]
            )
            return f"{kind} traits ({', '.join(names)})"
    return ", ".join(names)


def _unique(values) -> list[str]:
    return list(dict.fromkeys(values))
