"""marts/customer_traits: every trait of every customer, computed shard by shard (assets/sharded.py)."""

import dagster as dg

from assets.metadata import table_metadata
from assets.sharded import ShardedAsset
from tiering.traits import TRAIT_COLUMNS
from tiering.traits.gaps import left_out_lines
from tiering.warehouse.shards import ShardPlan
from tiering.warehouse.traits import (
    TRAITS,
    category_universe,
    customers_rising,
    traits_left_out,
    write_traits,
)


def _share(tiers, con, dates) -> tuple:
    """What every shard needs: the policy's rising rule, the category universe, the traits left out and the
    policy's signal traits."""
    policy = tiers.policy()
    return policy.rising, category_universe(con), traits_left_out(con), policy.signals


def _compute(con, plan: ShardPlan, orders_per_part: int) -> None:
    rising, categories, left_out, signals = plan.shared
    write_traits(con, plan.dates, rising, categories, orders_per_part, left_out, signals)


def _metadata(context: dg.OpExecutionContext, tiers, con, plan: ShardPlan) -> dict:
    left_out = plan.shared[2]
    return table_metadata(
        con,
        "marts.customer_traits",
        as_of_dates=len(plan.dates),
        traits=len(TRAIT_COLUMNS),
        traits_left_out=dg.MetadataValue.md(
            "\n".join(f"- {line}" for line in left_out_lines(left_out)) or "none: every input is present"
        ),
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
    "(see docs/outputs.md). Only data dated up to the as-of date is used. A trait whose input is absent (its "
    "feed empty, a column it reads empty throughout) is null for everyone and listed in traits_left_out. Every "
    "date of the run is kept in traits.daily_traits for scoring and history; this table holds the newest date "
    "that has run. Computed shard by "
    "shard, TIERS_CHUNK_ORDERS staged orders' worth of customers at a time.",
    # the policy's rising rule and the category universe (all customers'), the same for every shard
    share=_share,
    compute=_compute,
    metadata=_metadata,
)
