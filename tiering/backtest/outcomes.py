"""What the customers scored as of a date did in the horizon after it, and how well the ranking foretold it: a
backtest's rows of its three tables (sql/backtest/tables.sql), one backtest per (scored_on, horizon_days,
policy_version). Beside the policy's score, two reference rankings are measured the same way: revenue of the
last 12 months alone and the forecast's expected value."""

from dataclasses import asdict, dataclass
from datetime import date, timedelta

import duckdb
import polars as pl

from tiering.backtest.metrics import ranking_quality
from tiering.backtest.replay import BacktestError, score_as_of, scratch
from tiering.policy import TIERS, Policy
from tiering.warehouse.sql import render, run_sql, sql_text
from tiering.warehouse.tables import append_table, read_sql, transaction

CUSTOMERS, PER_TIER, SUMMARY = (
    "marts.policy_backtest_customers",
    "marts.policy_backtest",
    "marts.policy_backtest_summary",
)
TABLES = (CUSTOMERS, PER_TIER, SUMMARY)


@dataclass(frozen=True)
class Ranking:
    """A ranking of the customers the summary measures: its figures' columns start with `prefix`; it ranks by
    `column` of customer_outcomes."""

    prefix: str
    column: str
    name: str


RANKINGS = (
    Ranking("", "score", "the policy's score"),
    Ranking("revenue_12m_", "revenue_12m", "revenue of the last 12 months alone"),
    Ranking("forecast_", "expected_value_12m", "the forecast's expected value of the next 12 months"),
)
NIGHTLY_HORIZON_DAYS = 365  # the nightly run backtests the tiers of this many days before its as-of date
UNSCORED = -1.0  # the rank of a customer without a score (no scored trait had a value): below every score


@dataclass(frozen=True)
class Backtest:
    """One backtest: customers scored as of `scored_on` with the policy `policy_version`, their outcomes over
    the `horizon_days` after it."""

    scored_on: date
    horizon_days: int
    policy_version: str

    @property
    def horizon_end(self) -> date:
        return self.scored_on + timedelta(days=self.horizon_days)


def measure_backtest(
    con: duckdb.DuckDBPyConnection,
    backtest: Backtest,
    policy: Policy,
    sample_size: int,
    orders_per_part: int,
    whole_horizon: bool = True,
) -> dict[str, pl.DataFrame]:
    """Score the customers as of the backtest's date with `policy` as the nightly run would and measure what
    they did next; the rows of the backtest's tables, by table. BacktestError when the orders do not begin by
    the scored date or, if `whole_horizon`, do not reach the horizon's end (a nightly run's backtest ends on its
    as-of date, whatever the last order's date)."""
    with scratch(con) as work:
        check_reach(con, backtest, whole_horizon)
        score_as_of(con, work, backtest.scored_on, policy, sample_size, orders_per_part)
        customers = customer_outcomes(con, backtest)
    return backtest_rows(backtest, customers)


def check_reach(con: duckdb.DuckDBPyConnection, backtest: Backtest, whole_horizon: bool = True) -> None:
    """BacktestError unless the staged orders begin by the scored date and (if `whole_horizon`) reach the
    horizon's end."""
    first, last = con.execute(sql_text("backtest:order_dates")).fetchone()
    if first is None or first > backtest.scored_on:
        raise BacktestError(
            f"no order is dated on or before {backtest.scored_on}"
            + (f" (the first is dated {first})" if first else "")
            + ": there is nothing to score customers on"
        )
    if whole_horizon and last < backtest.horizon_end:
        raise BacktestError(
            f"the orders end on {last}: a backtest scored on {backtest.scored_on} with a horizon of "
            f"{backtest.horizon_days} days needs them to {backtest.horizon_end} (--horizon-days "
            f"{(last - backtest.scored_on).days} at most)"
        )


def customer_outcomes(con: duckdb.DuckDBPyConnection, backtest: Backtest) -> pl.DataFrame:
    """Each customer scored (in the scratch database), with its outcome and the reference rankings' values."""
    params = {"scored_on": backtest.scored_on, "horizon_end": backtest.horizon_end}
    return read_sql(con, "backtest/customers", params)


def backtest_rows(backtest: Backtest, customers: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The rows of the three tables for one backtest, from its customer_outcomes."""
    key = pl.DataFrame(
        [asdict(backtest)],
        schema={"scored_on": pl.Date, "horizon_days": pl.Int32, "policy_version": pl.String},
    )
    total = customers["outcome_revenue"].sum()
    per_customer = key.join(
        customers.select("customer_id", "score", "tier", "revenue_12m", "outcome_revenue", "retained"),
        how="cross",
    )
    by_tier = customers.group_by("tier").agg(
        customers=pl.len(),
        # summed in sorted order: the same to the last bit whichever way the threads split the groups
        outcome_revenue=pl.col("outcome_revenue").sort().sum(),
        retained=pl.col("retained").sum(),
    )
    per_tier = (
        pl.DataFrame({"tier": TIERS})
        .join(by_tier, on="tier", how="left")
        .fill_null(0)
        .select(
            "tier",
            "customers",
            "outcome_revenue",
            revenue_share=_ratio(pl.col("outcome_revenue"), pl.lit(total)),
            revenue_per_customer=_ratio(pl.col("outcome_revenue"), pl.col("customers")),
            retained_share=_ratio(pl.col("retained"), pl.col("customers")),
        )
    )
    ranked = customers.with_columns(pl.col("score").fill_null(UNSCORED))
    figures = {
        f"{ranking.prefix}{name}": value
        for ranking in RANKINGS
        for name, value in ranking_quality(ranked, ranking.column).items()
    }
    summary = pl.DataFrame(
        [{"customers": customers.height, "outcome_revenue": float(total), **figures}],
        schema_overrides=dict.fromkeys(figures, pl.Float64),
    )
    return {
        CUSTOMERS: per_customer,
        PER_TIER: key.join(per_tier, how="cross"),
        SUMMARY: key.join(summary, how="cross"),
    }


def _ratio(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    """part / whole, null where the whole is 0."""
    return pl.when(whole != 0).then(part / whole)


def write_backtest(con: duckdb.DuckDBPyConnection, backtest: Backtest, rows: dict[str, pl.DataFrame]) -> None:
    """Replace the backtest's rows of each table (made if new), in one transaction."""
    with transaction(con):
        run_sql(con, "backtest/tables")
        for table, frame in rows.items():
            con.execute(render("backtest:forget", table=table), asdict(backtest))
            append_table(con, table, frame)
