"""The quarterly review: once a quarter, the A-list (customers Ideal on every as-of date of the quarter that has run)
and the customers Poor the whole quarter (candidates to help move on), with what they brought over the quarter,
written to marts.quarterly_review (sql/review/*.sql), one quarter's rows replaced at a time."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from tiering.warehouse.sql import run_sql, sql_text
from tiering.warehouse.tables import transaction

A_LIST, POOR_LIST = "A-list", "Poor all quarter"
LISTS = {A_LIST: "Ideal", POOR_LIST: "Poor"}  # each list and the tier its customers held every day
NEEDS = ("marts.tier_history", "staging.orders", "staging.customers")
TICKETS = "staging.tickets"  # absent without a support_tickets feed: then no ticket data, tickets null
NO_TICKETS = "(SELECT NULL::VARCHAR AS customer_id, NULL::TIMESTAMP AS opened_at WHERE false)"
_QUARTER = re.compile(r"(\d{4})[Qq]([1-4])")


class ReviewError(ValueError):
    """A quarter that cannot be reviewed; the message says why, in one line."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """'2026Q3' (or '2026q3'); ReviewError for anything else."""
        found = _QUARTER.fullmatch(text.strip())
        if not found:
            raise ReviewError(f"'{text}' is not a quarter: write it as YYYYQn, e.g. 2026Q3")
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next.first_day - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def next(self) -> "Quarter":
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    @property
    def previous(self) -> "Quarter":
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)


@dataclass(frozen=True)
class Coverage:
    """Which of a quarter's days have tiers in marts.tier_history."""

    quarter: Quarter
    days_run: list[date]  # oldest first
    today: date  # the day it is judged on: today in TIERS_TIMEZONE, or the nightly run's last as-of date

    @property
    def running(self) -> bool:
        """The quarter has not ended: the review is of its days so far."""
        return self.today <= self.quarter.last_day

    @property
    def period_end(self) -> date:
        """The last day reviewed: the newest as-of date of the quarter that has run."""
        return self.days_run[-1]

    def gaps(self) -> list[tuple[date, date]]:
        """The stretches of days between the quarter's first day and its last day run (or the quarter's end, once
        it is over) that have no tiers."""
        end = min(self.quarter.last_day, self.today - timedelta(days=1))
        run, missing, start = set(self.days_run), [], None
        for offset in range((end - self.quarter.first_day).days + 1):
            day = self.quarter.first_day + timedelta(days=offset)
            if day not in run and start is None:
                start = day
            elif day in run and start is not None:
                missing.append((start, day - timedelta(days=1)))
                start = None
        if start is not None:
            missing.append((start, end))
        return missing

    def describe(self) -> str:
        """One line: how many of the quarter's days the review covers, and the missing ones."""
        q = self.quarter
        so_far = f" so far (it ends on {q.last_day})" if self.running else ""
        line = f"{len(self.days_run)} of the quarter's {q.days} days have tiers{so_far}"
        gaps = self.gaps()
        if gaps:
            days = sum((last - first).days + 1 for first, last in gaps)
            shown = ", ".join(_stretch(first, last) for first, last in gaps[:3])
            more = f" and {len(gaps) - 3} more" if len(gaps) > 3 else ""
            line += f"; reviewed over the days that ran: {days} without tiers ({shown}{more})"
        return line


def _stretch(first: date, last: date) -> str:
    return str(first) if first == last else f"{first} to {last}"


def coverage(con: duckdb.DuckDBPyConnection, quarter: Quarter, today: date) -> Coverage:
    """The quarter's days that have run; ReviewError when the quarter has not begun, when the working database
    lacks the tables a review reads, or when no day of the quarter has run."""
    if quarter.first_day > today:
        raise ReviewError(f"{quarter} has not begun: it starts on {quarter.first_day}, and today is {today}")
    tables = _tables(con)
    missing = [name for name in NEEDS if name not in tables]
    if missing:
        raise ReviewError(
            f"the working database has no {', '.join(missing)}: run the nightly job (`tiers run`) first"
        )
    params = {"first": quarter.first_day, "last": quarter.last_day}
    days = [day for (day,) in con.execute(sql_text("review:days_run"), params).fetchall()]
    if not days:
        raise ReviewError(
            f"no as-of date of {quarter} ({quarter.first_day} to {quarter.last_day}) has run: run `tiers backfill "
            f"--from {quarter.first_day} --to {min(quarter.last_day, today - timedelta(days=1))}` first"
        )
    return Coverage(quarter, days, today)


def write_review(con: duckdb.DuckDBPyConnection, covered: Coverage, reviewed_at: datetime) -> None:
    """Replace the quarter's rows of marts.quarterly_review (made if new) with its review, in one transaction."""
    params = {
        "quarter": str(covered.quarter),
        "period_start": covered.quarter.first_day,
        "period_end": covered.period_end,
        "days_run": len(covered.days_run),
        "days_in_quarter": covered.quarter.days,
        "ideal": LISTS[A_LIST],
        "poor": LISTS[POOR_LIST],
        "a_list": A_LIST,
        "poor_list": POOR_LIST,
        "reviewed_at": reviewed_at,
    }
    tickets = TICKETS if TICKETS in _tables(con) else NO_TICKETS
    with transaction(con):
        run_sql(con, "review/tables")
        run_sql(con, "review:forget", params)
        run_sql(con, "review/quarterly_review", params, tickets=tickets)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {name for (name,) in con.execute(sql_text("review:tables")).fetchall()}


def nightly_quarters(con: duckdb.DuckDBPyConnection, dates: list[date]) -> list[Quarter]:
    """The quarters a nightly run of the as-of dates `dates` reviews: the quarter before each date's, when some of
    its days have run and its review (if any) covers another number of days than have run now (a backfill filled
    a gap): a quarter is reviewed by the first run of a date after it. Makes marts.quarterly_review if new."""
    run_sql(con, "review/tables")
    due = []
    for quarter in sorted({Quarter.of(day).previous for day in dates}):
        params = {"first": quarter.first_day, "last": quarter.last_day}
        days = con.execute(sql_text("review:days_run"), params).fetchall()
        [(reviewed,)] = con.execute(sql_text("review:reviewed_days"), {"quarter": str(quarter)}).fetchall()
        if days and reviewed != len(days):
            due.append(quarter)
    return due
