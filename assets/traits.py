"""The traits asset: every customer's behaviour as of each run date, computed by plain Polars functions."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import table_metadata
from assets.partitions import as_of_partitions, one_pass, run_dates
from pipelines.resources import TiersConfig
from tiering.sql import sql_text
from tiering.traits import TRAIT_DOCS
from tiering.traits.nightly import INPUTS, write_traits


@dg.asset(
    key=["marts", "customer_traits"],
    deps=[*(dg.AssetKey(["staging", name]) for name in INPUTS), dg.AssetKey(["forecast", "customer_value"])],
    partitions_def=as_of_partitions,
    backfill_policy=one_pass,
    group_name="traits",
    kinds={"polars", "duckdb"},
    description="One row per customer known on the as-of date, with every trait over the 365 days ending on it "
    "(see docs/outputs.md). Only data dated up to the as-of date is used. Every date of the run is kept in "
    "traits.daily_traits for scoring and history; this table holds the run's last date. Computed for "
    "TIERS_CHUNK_ORDERS staged orders' worth of customers at a time.",
    owners=["team:data-engineering"],
)
def customer_traits(
    context: dg.AssetExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    dates = run_dates(context)
    with duckdb.get_connection() as con:
        write_traits(con, dates, tiers.policy().rising, tiers.chunk_orders)
        [(rising,)] = con.execute(sql_text("traits/customers_rising")).fetchall()
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "marts.customer_traits",
                as_of_dates=len(dates),
                traits=len(TRAIT_DOCS),
                customers_rising=rising,
            )
        )
