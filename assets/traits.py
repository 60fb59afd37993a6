"""The traits asset: every customer's behaviour as of each run date, computed by plain Polars functions."""

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from assets.metadata import table_metadata
from assets.partitions import as_of_partitions, one_pass, run_dates
from pipelines.resources import TiersConfig
from tiering.clv.traits import join_forecast
from tiering.traits import TRAIT_DOCS, compute_traits
from tiering.warehouse import read_table, write_table

STAGED = ("customers", "orders", "order_categories", "invoices", "payments", "tickets")


@dg.asset(
    key=["marts", "customer_traits"],
    deps=[*(dg.AssetKey(["staging", name]) for name in STAGED), dg.AssetKey(["forecast", "customer_value"])],
    partitions_def=as_of_partitions,
    backfill_policy=one_pass,
    group_name="traits",
    kinds={"polars", "duckdb"},
    description="One row per customer known on the as-of date, with every trait over the 365 days ending on it "
    "(see docs/outputs.md). Only data dated up to the as-of date is used. Every date of the run is kept in "
    "traits.daily_traits for scoring and history; this table holds the run's last date.",
    owners=["team:data-engineering"],
)
def customer_traits(
    context: dg.AssetExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    dates = run_dates(context)
    with duckdb.get_connection() as con:
        staged = {name: read_table(con, f"staging.{name}") for name in STAGED}
        daily = pl.concat([compute_traits(**staged, as_of=day).collect() for day in dates])
        forecast = read_table(con, "forecast.customer_value")
        daily = join_forecast(daily.lazy(), forecast, tiers.policy().rising).collect()
        write_table(con, "traits.daily_traits", daily)
        last = daily.filter(pl.col("as_of_date") == dates[-1])
        write_table(con, "marts.customer_traits", last)
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "marts.customer_traits",
                as_of_dates=len(dates),
                traits=len(TRAIT_DOCS),
                customers_rising=int(last["rising"].sum()),
            )
        )
