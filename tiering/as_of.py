"""The as-of dates a run may take, and how far the newest data lags behind one.

An as-of date after today (in TIERS_TIMEZONE) has no complete data yet, and one before TIERS_HISTORY_START is
outside the history the company keeps: both are refused before anything runs. An as-of date far after the newest
order, invoice or ticket is allowed (a quiet week happens) but said in the run summary: the exports may be stale.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def today_in(timezone: str) -> date:
    """Today's date in `timezone` (TIERS_TIMEZONE)."""
    return datetime.now(ZoneInfo(timezone)).date()


def days_between(first: date, last: date) -> list[date]:
    """Every day from first to last, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def refusal(first: date, last: date, history_start: date, timezone: str, today: date) -> str | None:
    """Why the as-of dates first..last cannot run, in one line naming the setting; None if they can."""
    if last > today:
        return (
            f"as-of date {last} is after today ({today} in TIERS_TIMEZONE {timezone}): a day's tiers are made "
            "once its data is in"
        )
    if first < history_start:
        return (
            f"as-of date {first} is before TIERS_HISTORY_START ({history_start}): set TIERS_HISTORY_START to "
            f"{first} or earlier to run it"
        )
    return None


def data_lag_warning(newest: Mapping[str, date], as_of: date, max_lag_days: int) -> str | None:
    """A warning when as_of is more than max_lag_days (TIERS_MAX_DATA_LAG_DAYS) after the newest dated row of
    every feed in `newest` (feed: its newest order, invoice or ticket date); None otherwise."""
    if not newest:
        return None
    latest = max(newest.values())
    lag = (as_of - latest).days
    if lag <= max_lag_days:
        return None
    feeds = ", ".join(f"{feed} {day}" for feed, day in sorted(newest.items()))
    return (
        f"as-of date {as_of} is {lag} days after the newest data ({feeds}), more than TIERS_MAX_DATA_LAG_DAYS "
        f"({max_lag_days}): are the exports up to date?"
    )
