"""The Dagster definitions: `dagster dev` from the repository root loads this module (see pyproject.toml), and
`tiers run`, a Celery worker or a step's pod rebuilds the nightly job from it (`nightly_tiers`)."""

import dagster as dg

from assets.checks import quality_checks
from assets.forecast import customer_value
from assets.ingest import raw_feeds
from assets.marts import mart_assets
from assets.reports import tier_dashboard
from assets.resources import build_resources
from assets.scoring import customer_scores
from assets.staging import staging_tables
from assets.traits import customer_traits
from pipelines.jobs import executor_for, nightly_job, nightly_schedule
from tiering.settings import Settings


def build_definitions() -> dg.Definitions:
    """The definitions for the TIERS_* variables of this process; a bad value raises SettingsError naming it."""
    job = nightly_job(executor_for(Settings.from_env()))
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
        resources=build_resources(),
    )


defs = build_definitions()


def nightly_tiers() -> dg.JobDefinition:
    """The nightly job of `defs`: `dg.reconstructable(nightly_tiers)` is how `tiers run` launches it so that
    any executor's worker rebuilds it by importing this module (its settings come in the run config)."""
    return defs.resolve_job_def("nightly_tiers")
