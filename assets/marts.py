"""Mart assets and their publication to the BI file (tiers.duckdb)."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.partitions import as_of_partitions
from assets.sql_table import sql_table_asset
from pipelines.resources import TiersConfig
from tiering.publish import publish_tables

PUBLISHED = ("marts.customer_tiers", "marts.customer_traits", "marts.tier_summary")


def _mart(name: str, deps: list[str], description: str) -> dg.AssetsDefinition:
    return sql_table_asset(f"marts.{name}", deps, description, group="marts", partitions_def=as_of_partitions)


customer_tiers = _mart(
    "customer_tiers",
    ["marts.customer_traits", "scoring.customer_scores", "staging.customers"],
    "One row per customer: name, as-of date, score, tier, action, reasons and every trait.",
)
tier_summary = _mart(
    "tier_summary",
    ["marts.customer_tiers"],
    "Per as-of date and tier: customers, revenue, gross margin, mean payment delay, tickets per order.",
)


@dg.asset(
    key=["bi", "tiers_duckdb"],
    deps=[dg.AssetKey(t.split(".")) for t in PUBLISHED],
    partitions_def=as_of_partitions,
    group_name="marts",
    kinds={"duckdb"},
    description="The marts copied into $TIERS_WAREHOUSE_DIR/tiers.duckdb, the file BI tools open read-only. "
    "Written to a new file and renamed into place: readers never see a half-written state or block the run.",
    owners=["team:data-engineering"],
)
def published_tiers_file(tiers: TiersConfig, duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        publish_tables(con, list(PUBLISHED), tiers.bi_db)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in PUBLISHED}
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(tiers.bi_db.resolve())),
            **{f"rows_{t.split('.')[1]}": n for t, n in counts.items()},
        }
    )


mart_assets = [customer_tiers, tier_summary, published_tiers_file]
