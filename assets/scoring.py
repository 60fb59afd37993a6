"""The scoring asset: each customer's score, tier, action and reasons under the policy."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import table_metadata
from assets.partitions import as_of_partitions
from pipelines.resources import TiersConfig
from tiering.scoring import score_customers
from tiering.warehouse import read_table, write_table


@dg.asset(
    key=["scoring", "customer_scores"],
    deps=[dg.AssetKey(["marts", "customer_traits"]), dg.AssetKey(["staging", "customers"])],
    partitions_def=as_of_partitions,
    group_name="scoring",
    kinds={"polars", "duckdb"},
    description="Score 0-100, tier, action and reasons per customer, from the traits and the policy file "
    "(TIERS_POLICY). Fixed cut-offs: a tier never moves because other customers changed.",
    owners=["team:sales-ops"],
)
def customer_scores(tiers: TiersConfig, duckdb: DuckDBResource) -> dg.MaterializeResult:
    policy = tiers.policy()
    with duckdb.get_connection() as con:
        scores = score_customers(
            read_table(con, "marts.customer_traits"), read_table(con, "staging.customers"), policy
        ).collect()
        write_table(con, "scoring.customer_scores", scores)
        per_tier = dict(scores.group_by("tier").len().sort("tier").iter_rows())
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "scoring.customer_scores",
                policy_version=policy.version,
                policy_file=tiers.policy_path,
                **{
                    f"customers_{tier.lower()}": per_tier.get(tier, 0)
                    for tier in ("Ideal", "Acceptable", "Poor")
                },
            )
        )
