"""Mart assets and their publication to the BI file (tiers.duckdb)."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.partitions import as_of_partitions, one_pass
from assets.sql_table import as_of_table_asset
from pipelines.resources import TiersConfig
from tiering.bi_layer import bi_layer_statements
from tiering.publish import publish_tables

PUBLISHED = (
    "marts.customer_tiers",
    "marts.customer_traits",
    "marts.tier_summary",
    "marts.tier_history",
    "marts.tier_movements",
)

tier_history = as_of_table_asset(
    "marts.tier_history",
    ["scoring.customer_scores"],
    "Every customer's score, tier and action on every as-of date run (the run's dates replaced).",
)
customer_tiers = as_of_table_asset(
    "marts.customer_tiers",
    ["marts.customer_traits", "scoring.customer_scores", "marts.tier_history", "staging.customers"],
    "One row per customer on the run's last as-of date: name, score, tier, action, reasons, previous tier, "
    "score change and every trait.",
)
tier_movements = as_of_table_asset(
    "marts.tier_movements",
    ["marts.tier_history", "marts.customer_traits"],
    "Per as-of date: customers and revenue by the tier they came from and the tier they moved to.",
)
tier_summary = as_of_table_asset(
    "marts.tier_summary",
    ["marts.tier_history", "marts.customer_traits"],
    "Per as-of date and tier: customers, revenue, gross margin, mean payment delay, tickets per order.",
)


@dg.asset(
    key=["bi", "tiers_duckdb"],
    deps=[dg.AssetKey(t.split(".")) for t in PUBLISHED],
    partitions_def=as_of_partitions,
    backfill_policy=one_pass,
    group_name="marts",
    kinds={"duckdb"},
    description="The marts copied into $TIERS_WAREHOUSE_DIR/tiers.duckdb, the file BI tools open read-only, and "
    "exported as Parquet under $TIERS_WAREHOUSE_DIR/exports/. Written beside the old outputs and swapped in by "
    "renames: readers never see a half-written state or block the run.",
    owners=["team:data-engineering"],
)
def published_tiers_file(tiers: TiersConfig, duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        publish_tables(con, list(PUBLISHED), tiers.bi_db.parent, tiers.bi_db.name, bi_layer_statements())
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in PUBLISHED}
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(tiers.bi_db.resolve())),
            "exports": dg.MetadataValue.path(str((tiers.bi_db.parent / "exports").resolve())),
            **{f"rows_{t.split('.')[1]}": n for t, n in counts.items()},
        }
    )


mart_assets = [tier_history, customer_tiers, tier_movements, tier_summary, published_tiers_file]
