"""The nightly job, its 02:00 schedule and the executor it runs on (TIERS_EXECUTOR).

The job is the same on every executor: in-process (the default: DuckDB and Polars are multi-threaded already),
Celery (each step a task on the workers of TIERS_CELERY_BROKER) or Kubernetes (each step a pod). The steps
that spread are the customer shards (assets/sharded.py).
"""

from datetime import date

import dagster as dg

from tiering.settings import Settings


def executor_for(settings: Settings) -> dg.ExecutorDefinition:
    """The executor named by TIERS_EXECUTOR; Celery's broker (TIERS_CELERY_BROKER) is also its result backend."""
    if settings.executor == "celery":
        from dagster_celery import celery_executor

        broker = settings.celery_broker
        return celery_executor.configured({"broker": broker, "backend": broker}, name="celery")
    if settings.executor == "k8s":
        from dagster_k8s import k8s_job_executor

        return k8s_job_executor  # configured by the Helm chart's run launcher and the run's k8s tags
    return dg.in_process_executor


def spreads_steps(settings: Settings) -> bool:
    """Whether the executor spreads steps over workers or pods, so that a shard is worth a step of its own."""
    return settings.executor != "in_process"


def nightly_job(executor: dg.ExecutorDefinition):
    return dg.define_asset_job(
        "nightly_tiers",
        selection=dg.AssetSelection.all(),
        executor_def=executor,
        description="Load the landing feeds, derive traits, score, tier and publish for one as-of date "
        "(or a range of dates in one pass).",
        tags={"dagster/max_retries": "2", "dagster/retry_strategy": "FROM_FAILURE"},
    )


def nightly_schedule(job) -> dg.ScheduleDefinition:
    return dg.build_schedule_from_partitioned_job(
        job,
        hour_of_day=2,
        minute_of_hour=0,
        name="nightly_tiers_at_2am",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )


def as_of_range_tags(first: date, last: date) -> dict[str, str]:
    """Run tags that make one run of nightly_tiers cover the as-of dates first..last (Dagster's documented
    partition range tags)."""
    return {
        "dagster/asset_partition_range_start": first.isoformat(),
        "dagster/asset_partition_range_end": last.isoformat(),
    }
