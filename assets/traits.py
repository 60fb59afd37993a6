"""marts/customer_traits: every trait of every customer, computed shard by shard (assets/sharded.py)."""

import dagster as dg

from assets.metadata import table_metadata
from assets.sharded import ShardedAsset
from tiering.traits import TRAIT_COLUMNS
from tiering.warehouse.shards import ShardPlan
from tiering.warehouse.traits import TRAITS, category_universe, customers_rising, write_traits


def _metadata(context: dg.OpExecutionContext, tiers, con, plan: ShardPlan) -> dict:
    return table_metadata(
        con,
        "marts.customer_traits",
        as_of_dates=len(plan.dates),
        traits=len(TRAIT_COLUMNS),
        customers_rising=customers_rising(con),
        shards=plan.shards,
    )


customer_traits = ShardedAsset(
    TRAITS,
    key=["marts", "customer_traits"],
    deps=[["staging", table] for table in TRAITS.staged] + [["forecast", "customer_value"]],
    group="traits",
    kinds={"polars", "duckdb"},
    owner="team:data-engineering",
    description="One row per customer known on the as-of date, with every trait over the 365 days ending on it "
    "(see docs/outputs.md). Only data dated up to the as-of date is used. Every date of the run is kept in "
    "traits.daily_traits for scoring and history; this table holds the newest date that has run. Computed shard by "
    "shard, TIERS_CHUNK_ORDERS staged orders' worth of customers at a time.",
    # the policy's rising rule and the category universe (all customers'), the same for every shard
    share=lambda tiers, con, dates: (tiers.policy().rising, category_universe(con)),
    compute=lambda con, plan, orders_per_part: write_traits(con, plan.dates, *plan.shared, orders_per_part),
    metadata=_metadata,
)
