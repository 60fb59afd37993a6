"""Daily as-of partitions: the tiers for date D use only data known on D.

Partitioned assets take a whole range of dates in one run (a backfill is one pass over the staged data), and
process the dates in order, so each date's tiers can build on the previous date's.
"""

from datetime import date

import dagster as dg

from tiering.settings import Settings

_settings = Settings.from_env()
as_of_partitions = dg.DailyPartitionsDefinition(
    start_date=_settings.history_start, timezone=_settings.timezone
)
one_pass = dg.BackfillPolicy.single_run()


def run_dates(context: dg.AssetExecutionContext) -> list[date]:
    """The as-of dates this run covers, oldest first."""
    window = context.partition_key_range
    return [date.fromisoformat(key) for key in as_of_partitions.get_partition_keys_in_range(window)]
