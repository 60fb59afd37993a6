"""The nightly job (in-process: DuckDB and Polars are multi-threaded already) and its 02:00 schedule."""

from datetime import date

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

nightly_job = dg.define_asset_job(
    "nightly_tiers",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Load the landing feeds, derive traits, score, tier and publish for one as-of date "
    "(or a range of dates in one pass).",
    tags={"dagster/max_retries": "2", "dagster/retry_strategy": "FROM_FAILURE"},
)

nightly_schedule = dg.build_schedule_from_partitioned_job(
    nightly_job,
    hour_of_day=2,
    minute_of_hour=0,
    name="nightly_tiers_at_2am",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def as_of_range_tags(first: date, last: date) -> dict[str, str]:
    """Run tags that make one run of nightly_tiers cover the as-of dates first..last."""
    return {
        ASSET_PARTITION_RANGE_START_TAG: first.isoformat(),
        ASSET_PARTITION_RANGE_END_TAG: last.isoformat(),
    }
