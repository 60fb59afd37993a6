"""marts/account_tiers: parent accounts (customers.parent_id) tiered as one relationship, from the newest traits
snapshot rolled up over each account's members (tiering/accounts.py)."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.checks import AFTER_MART_CHECKS
from assets.metadata import table_metadata
from assets.resources import TiersConfig, as_of_partitions, one_pass
from tiering.accounts import TABLE, write_account_tiers
from tiering.policy import TIERS


@dg.asset(
    key=TABLE.split("."),
    deps=[
        dg.AssetKey(["marts", "customer_traits"]),
        dg.AssetKey(["staging", "customers"]),
        *AFTER_MART_CHECKS,
    ],
    partitions_def=as_of_partitions,
    backfill_policy=one_pass,
    group_name="marts",
    kinds={"polars", "duckdb"},
    description="One row per top-level account with children (customers.parent_id): its members' traits rolled "
    "up (money summed; shares, delays and rates weighted by revenue), scored and tiered with the policy, for the "
    "newest as-of date that has run. Empty without parent accounts.",
    owners=["team:sales-ops"],
)
def account_tiers(tiers: TiersConfig, duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        accounts = write_account_tiers(con, tiers.policy())
        counts = dict(accounts.group_by("tier").len().iter_rows())
        return dg.MaterializeResult(
            metadata=table_metadata(
                con, TABLE, **{f"accounts_{tier.lower()}": counts.get(tier, 0) for tier in TIERS}
            )
        )
