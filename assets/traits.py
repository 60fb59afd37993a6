"""The traits asset: every customer's behaviour as of the partition date, computed by plain Polars functions."""

from datetime import date

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import table_metadata
from assets.partitions import as_of_partitions
from tiering.traits import TRAIT_DOCS, compute_traits
from tiering.warehouse import read_table, write_table

STAGED = ("customers", "orders", "order_categories", "invoices", "payments", "tickets")


@dg.asset(
    key=["marts", "customer_traits"],
    deps=[dg.AssetKey(["staging", name]) for name in STAGED],
    partitions_def=as_of_partitions,
    group_name="traits",
    kinds={"polars", "duckdb"},
    description="One row per customer known on the as-of date, with every trait over the 365 days ending on it "
    "(see docs/outputs.md). Only data dated up to the as-of date is used.",
    owners=["team:data-engineering"],
)
def customer_traits(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    as_of = date.fromisoformat(context.partition_key)
    with duckdb.get_connection() as con:
        frames = {name: read_table(con, f"staging.{name}") for name in STAGED}
        traits = compute_traits(**frames, as_of=as_of).collect()
        write_table(con, "marts.customer_traits", traits)
        return dg.MaterializeResult(
            metadata=table_metadata(
                con, "marts.customer_traits", as_of_date=context.partition_key, traits=len(TRAIT_DOCS)
            )
        )
