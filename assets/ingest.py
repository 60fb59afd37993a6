"""Raw feed assets: each landing folder's new and changed files loaded into raw.<feed>, rows updated by key,
unusable rows quarantined.

The feeds load in one step (one Dagster step costs bookkeeping, not work), parents first: a feed that refers to
another (orders to customers, lines to orders, ...) is loaded after it, so that its orphans are quarantined at
load time and nothing unknown reaches staging. A feed that fails keeps the feeds that need it from loading;
the others still load, then the step fails naming every failure.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import table_metadata
from assets.resources import IngestConfig, TiersConfig
from tiering.feeds import FEEDS, Feed
from tiering.warehouse.ingest import FeedLoad, IngestError, LoadOptions, feed_files, load_feed


def _parents(feed: Feed) -> list[str]:
    return sorted({p.feed for p in feed.parents})


def _load_order() -> list[Feed]:
    """Every feed after the feeds it refers to."""
    ordered: list[Feed] = []
    while len(ordered) < len(FEEDS):
        ordered += [
            f for f in FEEDS.values() if f not in ordered and all(FEEDS[p] in ordered for p in _parents(f))
        ]
    return ordered


RAW_SPECS = [
    dg.AssetSpec(
        key=["raw", feed.name],
        deps=[dg.AssetKey(["raw", parent]) for parent in _parents(feed)],
        group_name="ingest",
        kinds={"duckdb", "csv", "parquet"},
        description=f"{feed.description} New files of the landing folder `{feed.name}/`, and files whose "
        "content changed, are loaded (quality.loaded_files) with explicit types; a row whose key was loaded "
        "before replaces it when it differs (quality.row_updates) and is skipped when identical; rows that "
        "cannot be used (bad values, duplicates within a file, orphans) are kept in quality.rejected_rows with "
        "the reason." + (" The folder may be absent." if feed.optional else ""),
        owners=["team:data-engineering"],
    )
    for feed in _load_order()
]


@dg.multi_asset(specs=RAW_SPECS, name="raw_feeds", can_subset=True)
def raw_feeds(
    context: dg.AssetExecutionContext, tiers: TiersConfig, ingest: IngestConfig, duckdb: DuckDBResource
):
    options = LoadOptions(
        run_id=context.run.run_id,
        max_rejected_share=ingest.max_rejected_share,
        max_rejected_rows=ingest.max_rejected_rows,
        full_reload=ingest.full_reload,
        settle_seconds=ingest.file_settle_seconds,
        batch_bytes=ingest.ingest_batch_mb << 20,
    )
    failed: dict[str, str] = {}
    for feed in _load_order():
        key = dg.AssetKey(["raw", feed.name])
        if key not in context.selected_asset_keys:
            continue
        blocked = [p for p in _parents(feed) if p in failed]
        if blocked:
            failed[feed.name] = (
                f"feed '{feed.name}' not loaded: it refers to {', '.join(blocked)}, which failed"
            )
            continue
        try:
            yield _load(context, feed, tiers, options, duckdb)
        except dg.Failure as exc:
            failed[feed.name] = exc.description
            context.log.error(exc.description)
    if failed:
        raise dg.Failure(description="\n".join(failed.values()))


def _load(
    context: dg.AssetExecutionContext, feed: Feed, tiers: TiersConfig, options: LoadOptions, duckdb
) -> dg.MaterializeResult:
    """Load one feed's new files; a failure or a refusal is a dg.Failure naming the feed and the problem."""
    try:
        files = feed_files(tiers.landing, feed)
        with duckdb.get_connection() as con:
            load = load_feed(con, feed, files, options)
            metadata = table_metadata(con, f"raw.{feed.name}", **_load_metadata(load))
    except IngestError as exc:
        raise dg.Failure(description=str(exc)) from None
    for changed in load.changed:
        context.log.info(changed)
    for warning in load.warnings:
        context.log.warning(warning)
    if load.status == "refused":
        raise dg.Failure(description=load.message)
    if load.rows_rejected:
        context.log.warning(
            f"{feed.name}: {load.rows_rejected} row(s) quarantined in quality.rejected_rows (below the limits "
            "that refuse a feed); the rest is loaded"
        )
    return dg.MaterializeResult(asset_key=["raw", feed.name], metadata=metadata)


def _load_metadata(load: FeedLoad) -> dict:
    reasons = "\n".join(f"| {reason} | {rows:,} |" for reason, rows in load.rejected_by_reason.items())
    return {
        "load_status": load.status,
        "files_new": len(load.files),
        "files_unchanged": load.files_unchanged,
        "files_changed": dg.MetadataValue.md("\n".join(f"- {m}" for m in load.changed) or "none"),
        "columns_absent": ", ".join(load.absent_columns) or "none",
        "rows_read": load.rows_read,
        "rows_loaded": load.rows_loaded,
        "rows_updated": load.rows_updated,
        "rows_skipped": load.rows_skipped,
        "rows_rejected": load.rows_rejected,
        "rows_released": load.rows_released,
        "rejected_by_reason": dg.MetadataValue.md(
            f"| reason | rows |\n|---|---|\n{reasons}" if reasons else "none"
        ),
        "run_id": load.run_id,
    }
