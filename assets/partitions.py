"""Daily as-of partitions: the tiers for date D use only data known on D."""

import dagster as dg

from tiering.settings import Settings

_settings = Settings.from_env()
as_of_partitions = dg.DailyPartitionsDefinition(
    start_date=_settings.history_start, timezone=_settings.timezone
)
