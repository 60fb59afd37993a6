"""Raw feed assets: each landing folder loaded into its typed raw.<feed> table, unusable rows quarantined."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import table_metadata
from pipelines.resources import TiersConfig
from tiering.feeds import FEEDS, Feed
from tiering.ingest import IngestError, feed_files, load_feed


def raw_feed_asset(feed: Feed) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", feed.name],
        group_name="ingest",
        kinds={"duckdb", "csv", "parquet"},
        description=f"{feed.description} Loaded from the landing folder `{feed.name}/` with explicit types; "
        "rows that cannot be used are kept in quality.rejected_rows with the reason.",
        owners=["team:data-engineering"],
    )
    def _raw(
        context: dg.AssetExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource
    ) -> dg.MaterializeResult:
        try:
            files = feed_files(tiers.landing, feed)
            with duckdb.get_connection() as con:
                load = load_feed(con, feed, files)
                metadata = table_metadata(
                    con,
                    f"raw.{feed.name}",
                    files=len(load.files),
                    rows_read=load.rows_read,
                    rows_rejected=load.rows_rejected,
                )
        except IngestError as exc:
            raise dg.Failure(description=str(exc)) from None
        for warning in load.warnings:
            context.log.warning(warning)
        if load.rows_rejected:
            context.log.warning(
                f"{feed.name}: {load.rows_rejected} row(s) quarantined in quality.rejected_rows"
            )
        return dg.MaterializeResult(metadata=metadata)

    return _raw


raw_assets = [raw_feed_asset(feed) for feed in FEEDS.values()]
