"""What the dashboard shows, read from the marts of the working database; history is optional."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

import duckdb

from tiering.backtest.outcomes import NIGHTLY_HORIZON_DAYS
from tiering.policy import TIERS, Policy
from tiering.review import LISTS
from tiering.warehouse.sql import render, sql_text

# The searchable table holds at most this many customers (best first); beyond it, BI tools read bi.customer_tiers.
MAX_TABLE_ROWS = 100_000
# The page also holds, wherever they rank, at most this many of the call list and of the customers who moved tier
# (the most revenue first), so the call list and the movements are whole at any size and the page stays bounded.
MAX_LISTED_ROWS = 20_000
# An Ideal customer whose score fell and is less than this many points above the Ideal cut-off is "slipping".
SLIPPING_POINTS = 5.0
# Columns of marts.customer_tiers the page reads when the marts carry them (null otherwise): history and movement.
OPTIONAL_COLUMNS = ("previous_tier", "score_change", "changes", "tier_held", "newly_rising", "segment")
MAX_PRIORITIES = 25  # prospects listed by priority


class CustomerRow(NamedTuple):
    """One row of the searchable table; the page embeds it as a JSON array in this order."""

    customer_id: str
    customer_name: str | None
    tier: str
    score: float | None
    previous_tier: str | None
    score_change: float | None
    revenue_12m: float
    reasons: str
    account_owner: str | None
    region: str | None
    industry: str | None
    changes: str | None  # what moved the score most since the previous date
    tier_held: bool | None  # the hysteresis margin kept the previous tier
    newly_rising: bool | None
    call: str | None  # on the call list: 'slipping', 'newly rising' or 'rising'


@dataclass(frozen=True)
class TierNow:
    tier: str
    customers: int
    revenue_12m: float
    gross_margin: float | None
    mean_payment_delay_days: float | None
    mean_discount_depth: float | None
    tickets_per_order: float | None  # None: no ticket data (the support traits left out)
    tickets_12m: int | None
    mean_score: float | None


@dataclass(frozen=True)
class Distribution:
    customers: int  # with a value
    percentiles: tuple[float, float, float, float, float]  # 10th, 25th, 50th, 75th, 90th


@dataclass(frozen=True)
class Movement:
    from_tier: str | None  # None: new since the previous date
    to_tier: str | None  # None: no longer present
    customers: int
    revenue_12m: float | None


@dataclass(frozen=True)
class BacktestTier:
    tier: str
    customers: int
    revenue_share: float | None
    revenue_per_customer: float | None
    retained_share: float | None


@dataclass(frozen=True)
class YearBefore:
    """The nightly backtest: the tiers of a year before the as-of date against what their customers did since."""

    scored_on: date
    tiers: dict[str, BacktestTier]
    figures: dict[str, float | None]  # the summary's ranking figures by column


class ReviewRow(NamedTuple):
    """A customer of a quarterly review's list."""

    customer_id: str
    customer_name: str | None
    account_owner: str | None
    revenue: float
    gross_margin: float | None
    tickets: int | None  # None: no ticket data


class PriorityRow(NamedTuple):
    """A prospect of marts.prospect_priorities, with its name and owner."""

    priority: int
    customer_id: str
    customer_name: str | None
    account_owner: str | None
    tier: str
    fit_score: float | None
    days_to_close: int
    pipeline_amount: float
    expected_margin: float | None


@dataclass(frozen=True)
class Prospects:
    """The prospects (no completed order yet): per tier of their fit, how many and how many with an open
    opportunity; the first to work, by priority."""

    tiers: dict[str, tuple[int, int]]  # tier -> (prospects, with an open opportunity), every tier
    priorities: list[PriorityRow]

    @property
    def total(self) -> int:
        return sum(n for n, _ in self.tiers.values())


@dataclass(frozen=True)
class QuarterlyReview:
    """The newest quarterly review: its quarter, coverage and both lists (tiering/review.py)."""

    quarter: str
    days_run: int
    days_in_quarter: int
    period_start: date
    period_end: date
    lists: dict[str, list[ReviewRow]]  # list name -> its customers, biggest revenue first


@dataclass(frozen=True)
class DashboardData:
    as_of: date
    tiers: dict[str, TierNow]  # every tier, best first
    ideal_over_time: list[tuple[date, int]]
    previous_date: date | None  # None on a first run or without history
    movements: list[Movement]
    distributions: dict[str, dict[str, Distribution]]  # trait -> tier -> distribution
    customers: list[CustomerRow]  # best first: the table's, then the call list's and movers' beyond it
    held: dict[str, int]  # tier -> customers the hysteresis margin kept in it
    has_previous_tier: bool
    year_before: (
        YearBefore | None
    )  # None: no backtest (the orders do not go back a year before the as-of date)
    quarterly_review: QuarterlyReview | None = None  # None: no quarter reviewed yet
    prospects: Prospects | None = None  # None: marts without prospects

    @property
    def history(self) -> bool:
        """Whether there is an earlier run to compare with, customer by customer."""
        return self.has_previous_tier and self.previous_date is not None

    @property
    def table_customers(self) -> int:
        """How many customers the searchable table holds at most: the best ones."""
        return min(self.total_customers, MAX_TABLE_ROWS)

    @property
    def total_customers(self) -> int:
        return sum(t.customers for t in self.tiers.values())


def read_dashboard_data(con: duckdb.DuckDBPyConnection, as_of: date, policy: Policy) -> DashboardData:
    """Everything the page shows for `as_of`, from marts.customer_tiers, tier_summary and, when they exist,
    tier_history and tier_movements."""
    tables = {f"{s}.{t}" for s, t in _fetch(con, "tables")}
    tier_columns = {row[0] for row in con.execute("DESCRIBE marts.customer_tiers").fetchall()}
    previous = _previous_date(con, as_of) if "marts.tier_history" in tables else None
    moves = previous is not None and "marts.tier_movements" in tables
    return DashboardData(
        as_of=as_of,
        tiers=_tiers_now(con, as_of, tier_columns),
        ideal_over_time=[
            (day, n) for day, tier, n in _fetch(con, "tiers_over_time", as_of=as_of) if tier == "Ideal"
        ],
        previous_date=previous,
        movements=[Movement(*row) for row in _fetch(con, "movements", as_of=as_of)] if moves else [],
        distributions=_distributions(con, list(policy.traits), tier_columns),
        customers=_customers(con, tier_columns, policy),
        held=dict(con.execute(render("dashboard:held", **_optional(tier_columns))).fetchall()),
        has_previous_tier="previous_tier" in tier_columns,
        year_before=_year_before(con, as_of, policy) if "marts.policy_backtest" in tables else None,
        quarterly_review=_quarterly_review(con) if "marts.quarterly_review" in tables else None,
        prospects=read_prospects(con) if "marts.prospect_priorities" in tables else None,
    )


def prospect_tiers(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Per tier, best first: the prospects of marts.customer_tiers and how many have an open opportunity."""
    found = {tier: (n, listed) for tier, n, listed in _fetch(con, "prospects")}
    return {tier: found.get(tier, (0, 0)) for tier in TIERS}


def read_prospects(con: duckdb.DuckDBPyConnection) -> Prospects:
    rows = _fetch(con, "prospect_priorities", max=MAX_PRIORITIES)
    return Prospects(prospect_tiers(con), [PriorityRow(*row) for row in rows])


def _quarterly_review(con: duckdb.DuckDBPyConnection) -> QuarterlyReview | None:
    """The newest quarter reviewed, both lists (each possibly empty); None when no quarter has been."""
    rows = _fetch(con, "quarterly_review")
    if not rows:
        return None
    quarter, *_, days_run, days_in_quarter, period_start, period_end = rows[0]
    lists = {name: [ReviewRow(*row[2:8]) for row in rows if row[1] == name] for name in LISTS}
    return QuarterlyReview(quarter, days_run, days_in_quarter, period_start, period_end, lists)


def _year_before(con: duckdb.DuckDBPyConnection, as_of: date, policy: Policy) -> YearBefore | None:
    """The nightly backtest of `as_of` with the policy in use, if it was run."""
    scored_on = as_of - timedelta(days=NIGHTLY_HORIZON_DAYS)
    params = {"scored_on": scored_on, "horizon_days": NIGHTLY_HORIZON_DAYS, "policy_version": policy.version}
    tiers = {row[0]: BacktestTier(*row) for row in _fetch(con, "backtest_tiers", **params)}
    cursor = con.execute(sql_text("dashboard:backtest_summary"), params)
    summary = cursor.fetchone()
    if not tiers or summary is None:
        return None
    figures = dict(zip([column[0] for column in cursor.description], summary, strict=True))
    return YearBefore(scored_on, tiers, figures)


def _fetch(con: duckdb.DuckDBPyConnection, name: str, **params) -> list[tuple]:
    return con.execute(sql_text(f"dashboard:{name}"), params).fetchall()


def _previous_date(con: duckdb.DuckDBPyConnection, as_of: date) -> date | None:
    return _fetch(con, "previous_date", as_of=as_of)[0][0]


def _tiers_now(con: duckdb.DuckDBPyConnection, as_of: date, tier_columns: set[str]) -> dict[str, TierNow]:
    sql = render("dashboard:tiers_now", **_optional(tier_columns))
    found = {row[0]: TierNow(*row) for row in con.execute(sql, {"as_of": as_of}).fetchall()}
    empty = {tier: TierNow(tier, 0, 0.0, None, None, None, 0.0, 0, None) for tier in TIERS}
    return {tier: found.get(tier, empty[tier]) for tier in TIERS}


def _distributions(
    con: duckdb.DuckDBPyConnection, traits: list[str], tier_columns: set[str]
) -> dict[str, dict[str, Distribution]]:
    out: dict[str, dict[str, Distribution]] = {}
    for trait in traits:
        sql = render("dashboard:trait_distribution", trait=trait, **_optional(tier_columns))
        out[trait] = {
            tier: Distribution(customers, tuple(percentiles))
            for tier, customers, percentiles in con.execute(sql).fetchall()
        }
    return out


def _optional(tier_columns: set[str]) -> dict[str, str]:
    """Each optional column of marts.customer_tiers, or NULL when the marts do not carry it."""
    return {c: c if c in tier_columns else "NULL" for c in OPTIONAL_COLUMNS}


def _customers(con: duckdb.DuckDBPyConnection, tier_columns: set[str], policy: Policy) -> list[CustomerRow]:
    """The page's rows: the best MAX_TABLE_ROWS, and those on the call list or who moved tier beyond them."""
    params = {
        "max_rows": MAX_TABLE_ROWS,
        "max_listed": MAX_LISTED_ROWS,
        "tiers": list(TIERS),
        "ideal_cutoff": policy.tiers.ideal,
        "near": SLIPPING_POINTS,
    }
    sql = render("dashboard:customers", **_optional(tier_columns))
    return [CustomerRow(*row) for row in con.execute(sql, params).fetchall()]
