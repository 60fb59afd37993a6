"""The Dagster definitions: `dagster dev` from the repository root loads this module (see pyproject.toml)."""

import os

import dagster as dg

from assets.checks import quality_checks
from assets.forecast import customer_value
from assets.ingest import IngestConfig, raw_feeds
from assets.marts import mart_assets
from assets.reports import tier_dashboard
from assets.scoring import customer_scores
from assets.staging import staging_tables
from assets.traits import customer_traits
from pipelines.jobs import executor_for, nightly_job, nightly_schedule
from pipelines.resources import build_resources
from tiering.settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    job = nightly_job(executor_for(settings))
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
        jobs=[job],
        schedules=[nightly_schedule(job)],
        resources={**build_resources(settings), "ingest": IngestConfig.from_settings(settings)},
    )


def nightly_job_for(environment: dict[str, str]) -> dg.JobDefinition:
    """The nightly job with the settings of `environment` (TIERS_* variables) over the process's own: how a
    Celery worker or a step pod rebuilds the job a `tiers run` started, with that command's settings."""
    return build_definitions(Settings.from_env({**os.environ, **environment})).resolve_job_def(
        "nightly_tiers"
    )


defs = build_definitions(Settings.from_env())
