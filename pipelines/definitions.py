"""The Dagster definitions: `dagster dev` from the repository root loads this module (see pyproject.toml)."""

import dagster as dg

from assets.checks import quality_checks
from assets.forecast import customer_value
from assets.ingest import IngestConfig, raw_feeds
from assets.marts import mart_assets
from assets.reports import tier_dashboard
from assets.scoring import customer_scores
from assets.staging import staging_tables
from assets.traits import customer_traits
from pipelines.jobs import nightly_job, nightly_schedule
from pipelines.resources import build_resources
from tiering.settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            raw_feeds,
            staging_tables,
            customer_value,
            customer_traits,
            customer_scores,
            *mart_assets,
            tier_dashboard,
        ],
        asset_checks=quality_checks,
        jobs=[nightly_job],
        schedules=[nightly_schedule],
        resources={**build_resources(settings), "ingest": IngestConfig.from_settings(settings)},
    )


defs = build_definitions(Settings.from_env())
