"""The nightly job, its 02:00 schedule and the executor it runs on (TIERS_EXECUTOR).

The job is the same on every executor: in-process (the default: DuckDB and Polars are multi-threaded already),
Celery (each step a task on the workers of TIERS_CELERY_BROKER) or Kubernetes (each step a pod). The steps
that spread are the customer shards (assets/sharded.py).
"""

from datetime import date, timedelta

import dagster as dg

from assets.resources import as_of_partitions
from tiering.as_of import days_between
from tiering.settings import Settings, setting_value


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


NIGHTLY_JOB = "nightly_tiers"


def nightly_job(executor: dg.ExecutorDefinition):
    return dg.define_asset_job(
        NIGHTLY_JOB,
        selection=dg.AssetSelection.all(),
        executor_def=executor,
        description="Load the landing feeds, derive traits, score, tier and publish for one as-of date "
        "(or a range of dates in one pass).",
        tags={"dagster/max_retries": "2", "dagster/retry_strategy": "FROM_FAILURE"},
    )


def nightly_schedule(job) -> dg.ScheduleDefinition:
    """At 02:00 in TIERS_TIMEZONE, the run for the day before, its as-of partition added first (a schedule
    cannot request dynamic partitions, so it adds the date on the instance, as `tiers run` does)."""

    @dg.schedule(
        job=job,
        cron_schedule="0 2 * * *",
        execution_timezone=setting_value("timezone"),
        name="nightly_tiers_at_2am",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def nightly_tiers_at_2am(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        yesterday = context.scheduled_execution_time.date() - timedelta(days=1)
        add_as_of_dates(context.instance, [yesterday])
        return dg.RunRequest(run_key=yesterday.isoformat(), partition_key=yesterday.isoformat())

    return nightly_tiers_at_2am


def add_as_of_dates(instance: dg.DagsterInstance, days: list[date]) -> list[str]:
    """Add the as-of partitions of `days` that the instance does not know yet, oldest first; return every
    as-of partition in the instance's order (the order the UI lists them in and ranges follow)."""
    known = list(instance.get_dynamic_partitions(as_of_partitions.name))
    new = [key for key in sorted({day.isoformat() for day in days}) if key not in set(known)]
    if new:
        instance.add_dynamic_partitions(as_of_partitions.name, new)
    return known + new


def as_of_runs(instance: dg.DagsterInstance, first: date, last: date) -> list[dict[str, str]]:
    """The tags of the runs that cover the as-of dates first..last, oldest first, their partitions added to
    the instance: one run in one pass, unless older dates were added after newer ones (a backfill), when a
    range of partitions in the instance's order is not a range of days: then one run per stretch of days that
    is a range in both."""
    days = days_between(first, last)
    position = {key: n for n, key in enumerate(add_as_of_dates(instance, days))}
    stretches = [[days[0], days[0]]]
    for day in days[1:]:
        if position[day.isoformat()] == position[stretches[-1][1].isoformat()] + 1:
            stretches[-1][1] = day
        else:
            stretches.append([day, day])
    return [as_of_range_tags(start, end) for start, end in stretches]


def as_of_range_tags(first: date, last: date) -> dict[str, str]:
    """Run tags that make one run of nightly_tiers cover the as-of dates first..last (Dagster's documented
    partition range tags)."""
    return {
        "dagster/asset_partition_range_start": first.isoformat(),
        "dagster/asset_partition_range_end": last.isoformat(),
    }
