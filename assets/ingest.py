"""Raw feed assets: each landing folder's new files loaded once into raw.<feed>, unusable rows quarantined.

A feed that refers to another (orders to customers, lines to orders, ...) is loaded after it, so that its
orphans are quarantined at load time and nothing unknown reaches staging.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.checks import start_importing_great_expectations
from assets.metadata import table_metadata
from pipelines.resources import TiersConfig
from tiering.feeds import FEEDS, Feed
from tiering.ingest import FeedLoad, IngestError, LoadOptions, feed_files, load_feed
from tiering.quality.rules import FOREIGN_KEYS
from tiering.settings import Settings


class IngestConfig(dg.ConfigurableResource):
    """How the raw feeds are loaded: the rejection limit per feed and run, and whether to reload everything."""

    max_rejected_share: float
    full_reload: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> "IngestConfig":
        return cls(max_rejected_share=settings.max_rejected_share, full_reload=settings.full_reload)


def raw_feed_asset(feed: Feed) -> dg.AssetsDefinition:
    parents = sorted({fk.parent for fk in FOREIGN_KEYS.get(feed.name, ())})

    @dg.asset(
        key=["raw", feed.name],
        deps=[dg.AssetKey(["raw", parent]) for parent in parents],
        group_name="ingest",
        kinds={"duckdb", "csv", "parquet"},
        description=f"{feed.description} New files of the landing folder `{feed.name}/` are loaded once "
        "(quality.loaded_files), with explicit types; rows that cannot be used (bad values, duplicates, "
        "orphans) are kept in quality.rejected_rows with the reason.",
        owners=["team:data-engineering"],
    )
    def _raw(
        context: dg.AssetExecutionContext, tiers: TiersConfig, ingest: IngestConfig, duckdb: DuckDBResource
    ) -> dg.MaterializeResult:
        start_importing_great_expectations()
        options = LoadOptions(
            run_id=context.run.run_id,
            max_rejected_share=ingest.max_rejected_share,
            full_reload=ingest.full_reload,
        )
        try:
            files = feed_files(tiers.landing, feed)
            with duckdb.get_connection() as con:
                load = load_feed(con, feed, files, options)
                metadata = table_metadata(con, f"raw.{feed.name}", **_load_metadata(load))
        except IngestError as exc:
            raise dg.Failure(description=str(exc)) from None
        for warning in (*load.changed, *load.warnings):
            context.log.warning(warning)
        if load.status == "refused":
            raise dg.Failure(description=load.message, metadata=_load_metadata(load))
        if load.rows_rejected:
            context.log.warning(
                f"{feed.name}: {load.rows_rejected} row(s) quarantined in quality.rejected_rows"
            )
        return dg.MaterializeResult(metadata=metadata)

    return _raw


def _load_metadata(load: FeedLoad) -> dict:
    reasons = "\n".join(f"| {reason} | {rows:,} |" for reason, rows in load.rejected_by_reason.items())
    return {
        "load_status": load.status,
        "files_new": len(load.files),
        "files_unchanged": load.files_unchanged,
        "files_changed": dg.MetadataValue.md("\n".join(f"- {m}" for m in load.changed) or "none"),
        "rows_read": load.rows_read,
        "rows_loaded": load.rows_loaded,
        "rows_rejected": load.rows_rejected,
        "rejected_by_reason": dg.MetadataValue.md(
            f"| reason | rows |\n|---|---|\n{reasons}" if reasons else "none"
        ),
        "run_id": load.run_id,
    }


raw_assets = [raw_feed_asset(feed) for feed in FEEDS.values()]
