"""Mart assets and their publication to the BI file (tiers.duckdb)."""

from datetime import timedelta

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import table_metadata
from assets.resources import TiersConfig, as_of_partitions, one_pass, run_dates
from tiering.crm import crm_exports
from tiering.outputs import PUBLISHED
from tiering.warehouse.bi_layer import bi_layer_statements
from tiering.warehouse.dates import latest_as_of
from tiering.warehouse.publish import publish_tables
from tiering.warehouse.sql import run_sql
from tiering.warehouse.tables import row_count, set_run_window

# A mart not refreshed for more than a night and a bit shows as stale in the UI.
NIGHTLY_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(hours=30), warn_window=timedelta(hours=26)
)

# Built in this order by sql/marts/<name>.sql: (name, deps, description).
_MARTS = (
    (
        "tier_history",
        ["scoring.customer_scores"],
        "Every customer's score, tier and action on every as-of date run (the run's dates replaced).",
    ),
    (
        "customer_tiers",
        ["marts.customer_traits", "scoring.customer_scores", "marts.tier_history", "staging.customers"],
        "One row per customer on the newest as-of date that has run (a backfill of older dates keeps it): "
        "name, score, tier, action, reasons, previous tier, score change and every trait.",
    ),
    (
        "prospect_priorities",
        ["marts.customer_tiers", "staging.opportunities"],
        "One row per prospect with an open opportunity, ranked how soon, then how profitable, then how much.",
    ),
    (
        "tier_movements",
        ["marts.tier_history", "marts.customer_traits"],
        "Per as-of date: customers and revenue by the tier they came from and the tier they moved to.",
    ),
    (
        "tier_summary",
        ["marts.tier_history", "marts.customer_traits"],
        "Per as-of date and tier: customers, revenue, gross margin, mean payment delay, tickets per order.",
    ),
)

MART_SPECS = [
    dg.AssetSpec(
        key=["marts", name],
        deps=[dg.AssetKey(d.split(".")) for d in deps],
        partitions_def=as_of_partitions,
        freshness_policy=NIGHTLY_FRESHNESS,
        group_name="marts",
        kinds={"duckdb", "sql"},
        description=f"{description} Built by sql/marts/{name}.sql.",
        owners=["team:data-engineering"],
    )
    for name, deps, description in _MARTS
]


# The latest snapshot: rebuilt by a run of the newest as-of date, kept by a backfill or re-run of older ones
# (marts.customer_traits keeps itself the same way, in sql/marts/customer_traits.sql).
SNAPSHOT = "customer_tiers"


@dg.multi_asset(specs=MART_SPECS, name="mart_tables", can_subset=True, backfill_policy=one_pass)
def mart_tables(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    """The marts for the run's as-of dates, each replacing the slices of those dates, in one step."""
    dates = run_dates(context)
    with duckdb.get_connection() as con:
        run_sql(con, "marts/create_history_tables")
        set_run_window(con, dates[0], dates[-1])
        latest = latest_as_of(con)  # before this run: newer than its dates only on a backfill of older ones
        for name, _, _ in _MARTS:
            if dg.AssetKey(["marts", name]) not in context.selected_asset_keys:
                continue
            if name == SNAPSHOT and latest is not None and latest > dates[-1]:
                context.log.info(f"marts.{name} keeps the newest as-of date, {latest}: this run's are older")
            else:
                run_sql(con, f"marts/{name}")
            yield dg.MaterializeResult(
                asset_key=["marts", name], metadata=table_metadata(con, f"marts.{name}")
            )


@dg.asset(
    key=["bi", "tiers_duckdb"],
    # marts.tier_alerts is written after publishing (assets/alerts.py): the file holds the nights before
    deps=[dg.AssetKey(t.split(".")) for t in PUBLISHED if t != "marts.tier_alerts"],
    partitions_def=as_of_partitions,
    backfill_policy=one_pass,
    group_name="marts",
    kinds={"duckdb"},
    description="The marts copied into $TIERS_WAREHOUSE_DIR/tiers.duckdb, the file BI tools open read-only, and "
    "exported as Parquet under $TIERS_WAREHOUSE_DIR/exports/, with the CRM-ready CSV files under exports/crm/. "
    "Written beside the old outputs and swapped in by "
    "renames: readers never see a half-written state or block the run.",
    owners=["team:data-engineering"],
)
def published_tiers_file(
    context: dg.AssetExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        notes = publish_tables(
            con, list(PUBLISHED), tiers.bi_db.parent, tiers.bi_db.name, bi_layer_statements(), crm_exports()
        )
        for note in notes:
            context.log.warning(note)
        counts = {t: row_count(con, t) for t in PUBLISHED}
        as_of = latest_as_of(con)
    return dg.MaterializeResult(
        metadata={
            "as_of_date": as_of.isoformat(),  # the newest as-of date run: the snapshot the file holds
            "path": dg.MetadataValue.path(str(tiers.bi_db.resolve())),
            "exports": dg.MetadataValue.path(str((tiers.bi_db.parent / "exports").resolve())),
            "crm_files": ", ".join(crm_exports()),
            "stale_wal_removed": bool(notes),
            **{f"rows_{t.split('.')[1]}": n for t, n in counts.items()},
        }
    )


mart_assets = [mart_tables, published_tiers_file]
