"""The Dagster definitions: `dagster dev` from the repository root loads this module (see pyproject.toml), and
`tiers run`, a Celery worker or a step's pod rebuilds the nightly job from it (`nightly_tiers`)."""

import dagster as dg

from assets.accounts import account_tiers
from assets.alerts import tier_alerts
from assets.backtest import policy_backtest
from assets.checks import quality_checks
from assets.forecast import customer_value
from assets.ingest import raw_feeds
from assets.marts import mart_assets
from assets.reports import tier_dashboard
from assets.resources import build_resources
from assets.review import quarterly_review
from assets.scoring import customer_scores
from assets.staging import staging_tables
from assets.traits import customer_traits
from pipelines.jobs import executor_for, nightly_job, nightly_schedule, spreads_steps
from pipelines.sensors import failed_run_alert
from tiering.settings import Settings


def build_definitions(spread: bool | None = None) -> dg.Definitions:
    """The definitions for the TIERS_* variables of this process; a bad value raises SettingsError naming it.
    `spread`: the sharded assets' shards a step each (assets/sharded.py); by default where steps spread, on a
    distributed TIERS_EXECUTOR."""
    settings = Settings.from_env()
    job = nightly_job(executor_for(settings))
    spread = spreads_steps(settings) if spread is None else spread
    return dg.Definitions(
        assets=[
            raw_feeds,
            staging_tables,
            customer_value.asset(spread),
            customer_traits.asset(spread),
            customer_scores.asset(spread),
            *mart_assets,
            account_tiers,
            policy_backtest,
            quarterly_review,
            tier_dashboard,
            tier_alerts,
        ],
        asset_checks=quality_checks,
        jobs=[job],
        schedules=[nightly_schedule(job)],
        sensors=[failed_run_alert(job)],
        resources=build_resources(),
    )


defs = build_definitions()


def nightly_tiers(spread: bool | None = None) -> dg.JobDefinition:
    """The nightly job of `defs`, or of the definitions with the step layout `spread`."""
    definitions = defs if spread is None else build_definitions(spread)
    return definitions.resolve_job_def("nightly_tiers")


def launchable_job(settings: Settings):
    """The nightly job as `tiers run` launches it: any executor's worker rebuilds it by importing this module,
    with the step layout of `settings` (whatever TIERS_* variables the worker has; the settings themselves come
    in the run config)."""
    spread = spreads_steps(settings)
    return dg.build_reconstructable_job(__name__, "nightly_tiers", reconstructable_kwargs={"spread": spread})
