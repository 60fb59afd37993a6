"""The scoring asset: each customer's score, tier, action and reasons under the policy, date by date."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import column_lineage, table_metadata
from assets.partitions import as_of_partitions, one_pass, run_dates
from pipelines.resources import TiersConfig
from tiering.lineage import scores_lineage
from tiering.nightly_scores import write_scores
from tiering.sql import run_sql


@dg.asset(
    key=["scoring", "customer_scores"],
    deps=[dg.AssetKey(["marts", "customer_traits"]), dg.AssetKey(["staging", "customers"])],
    partitions_def=as_of_partitions,
    backfill_policy=one_pass,
    group_name="scoring",
    kinds={"polars", "duckdb"},
    description="Score 0-100, tier, action and reasons per customer and as-of date, from the traits and the "
    "policy file (TIERS_POLICY). Fixed cut-offs: a tier never moves because other customers changed; the "
    "policy's hysteresis margin keeps a customer's previous tier near a cut-off.",
    owners=["team:sales-ops"],
)
def customer_scores(
    context: dg.AssetExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    policy = tiers.policy()
    dates = run_dates(context)
    with duckdb.get_connection() as con:
        run_sql(con, "marts/create_history_tables")
        per_tier = write_scores(con, dates, policy, tiers.chunk_orders)
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "scoring.customer_scores",
                policy_version=policy.version,
                policy_file=tiers.policy_path,
                **{"dagster/column_lineage": column_lineage(scores_lineage(policy))},
                **{
                    f"customers_{tier.lower()}": per_tier.get(tier, 0)
                    for tier in ("Ideal", "Acceptable", "Poor")
                },
            )
        )
