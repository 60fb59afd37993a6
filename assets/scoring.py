"""scoring/customer_scores: score, tier, action and reasons, computed shard by shard (assets/sharded.py) from
the stored traits, so that materializing it alone re-scores them (after a policy change) without recomputing."""

import dagster as dg

from assets.metadata import column_lineage, table_metadata
from assets.sharded import ShardedAsset
from tiering.lineage import scores_lineage
from tiering.warehouse.scores import SCORES, customers_per_tier, unscored_dates, write_scores
from tiering.warehouse.shards import ShardPlan
from tiering.warehouse.sql import run_sql


def _share(tiers, con, dates):
    """The policy, read once for all shards; the history tables the previous tiers come from, made if new."""
    run_sql(con, "marts/create_history_tables")
    missing = unscored_dates(con, dates)
    if missing:
        dg.get_dagster_logger().warning(
            f"traits.daily_traits holds no traits for {', '.join(map(str, missing))}: no scores for these "
            "dates (materialize marts/customer_traits for them first)"
        )
    return tiers.policy()


def _metadata(context: dg.OpExecutionContext, tiers, con, plan: ShardPlan) -> dict:
    policy = plan.shared
    return table_metadata(
        con,
        SCORES.table,
        policy_version=policy.version,
        policy_file=tiers.policy_path,
        **{"dagster/column_lineage": column_lineage(scores_lineage(policy))},
        **{f"customers_{tier.lower()}": n for tier, n in customers_per_tier(con, plan.dates[-1]).items()},
    )


customer_scores = ShardedAsset(
    SCORES,
    key=["scoring", "customer_scores"],
    deps=[["marts", "customer_traits"]] + [["staging", table] for table in SCORES.staged],
    group="scoring",
    kinds={"polars", "duckdb"},
    owner="team:sales-ops",
    description="Score 0-100, tier, action and reasons per customer and as-of date, from the traits and the "
    "policy file (TIERS_POLICY). Fixed cut-offs: a tier never moves because other customers changed; the "
    "policy's hysteresis margin keeps a customer's previous tier near a cut-off.",
    share=_share,
    compute=lambda con, plan, orders_per_part: write_scores(con, plan.dates, plan.shared, orders_per_part),
    metadata=_metadata,
)
