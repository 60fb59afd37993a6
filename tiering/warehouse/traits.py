"""The traits of a run's dates, from the staging tables (one shard's) to traits.daily_traits.

Memory is bounded by working on one customer part at a time (see tiering.warehouse.tables): each part's rows are
read once for all the run's dates, its traits computed and appended. The category universe is global: it is
read once for all customers (each category's first day, a few rows) and given to every shard.
"""

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from tiering.clv.traits import join_forecast
from tiering.traits import compute_traits
from tiering.traits.common import window_start
from tiering.traits.gaps import ColumnStats, left_out, left_out_lines, read_columns
from tiering.traits.signals import signal_traits
from tiering.traits.signals import window_start as signal_window_start
from tiering.warehouse.shards import ShardedTable
from tiering.warehouse.sql import render, sql_text
from tiering.warehouse.tables import customer_parts, read_sql, replace_in_parts

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tiering.policy import RisingRule, SignalTrait

INPUTS = ("customers", "orders", "order_categories", "invoices", "payments", "tickets")
# Computed shard by shard (see tiering.warehouse.shards) from the staged facts (and signals, for the policy's
# signal traits) and the run's forecasts; the run's last date is then kept in marts.customer_traits.
TRAITS = ShardedTable(
    "traits",
    "traits.daily_traits",
    staged=(*INPUTS, "signals"),
    upstream={"forecast.customer_value": "traits:run_forecast"},
    then="marts/customer_traits",
)


def category_universe(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Each product category with the first day anyone bought it, from all customers' staged orders."""
    return read_sql(con, "traits:category_firsts", {})


def input_stats(con: duckdb.DuckDBPyConnection) -> dict[str, ColumnStats]:
    """The statistics of every staging column a trait reads, over all customers (see tiering.traits.gaps)."""
    stats = {}
    for table, names in read_columns().items():
        cursor = con.execute(render("traits:column_stats", table=table), {"columns": names})
        ordered = [column[0] for column in cursor.description[1 : 1 + len(names)]]  # the table's order
        rows, *values = cursor.fetchone()
        count, least, greatest = (values[i * len(names) : (i + 1) * len(names)] for i in range(3))
        for name, n, low, high in zip(ordered, count, least, greatest, strict=True):
            stats[f"staging.{table}.{name}"] = ColumnStats(rows, n, low is not None and low != high)
    return stats


def traits_left_out(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The traits left out for lack of input, with the reason, from all customers' staging tables."""
    return left_out(input_stats(con))


def left_out_summary(con: duckdb.DuckDBPyConnection) -> str:
    """The run summary's lines on the traits left out for lack of input ('' when none is), from work.duckdb."""
    lines = left_out_lines(traits_left_out(con))
    if not lines:
        return ""
    return "\nTraits left out (no input, so not scored):\n" + "".join(f"  {line}\n" for line in lines)


def customers_rising(con: duckdb.DuckDBPyConnection) -> int:
    """How many customers marts.customer_traits flags rising."""
    [(rising,)] = con.execute(sql_text("traits:customers_rising")).fetchall()
    return rising


def write_traits(
    con: duckdb.DuckDBPyConnection,
    dates: list[date],
    rule: "RisingRule | None",
    all_categories: pl.DataFrame,
    orders_per_part: int,
    traits_left_out: Collection[str] = (),
    signals: "Mapping[str, SignalTrait] | None" = None,
) -> None:
    """Replace traits.daily_traits (every date, with the forecast, `rising` and the policy's signal traits),
    `orders_per_part` staged orders at a time; the traits of `traits_left_out` null (see traits_left_out)."""
    parts = customer_parts(con, "staging.orders", orders_per_part)
    params = {
        "first_date": dates[0],
        "last_date": dates[-1],
        "window_start": window_start(dates[0]),
    }
    traits = (
        part_traits(con, dates, rule, all_categories.lazy(), traits_left_out, params | part, signals or {})
        for part in parts
    )
    replace_in_parts(con, "traits.daily_traits", traits)


def part_traits(
    con: duckdb.DuckDBPyConnection,
    dates: list[date],
    rule: "RisingRule | None",
    all_categories: pl.LazyFrame,
    traits_left_out: Collection[str],
    params: dict,
    signals: "Mapping[str, SignalTrait]",
) -> pl.DataFrame:
    """The traits of one customer part for every date, with the forecast and the signal traits joined."""
    inputs = {name: read_sql(con, f"traits/{name}", params).lazy() for name in INPUTS}
    if signals:
        start = min(signal_window_start(rule, dates[0]) for rule in signals.values())
        dated = read_sql(con, "traits/signals", params | {"signals_start": start}).lazy()
    daily = []
    for day in dates:
        traits = compute_traits(**inputs, as_of=day, all_categories=all_categories, left_out=traits_left_out)
        if signals:
            traits = traits.join(signal_traits(traits, dated, signals, day), on="customer_id", how="left")
        daily.append(traits.collect())
    daily = pl.concat(daily)
    forecast = read_sql(con, "traits/forecast", params).lazy()
    return join_forecast(daily.lazy(), forecast, rule).collect()
