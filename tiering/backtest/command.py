"""`tiers backtest`: score customers as of a past date, measure what they did next, publish and print it."""

import os
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from tiering.backtest.metrics import FIGURES
from tiering.backtest.outcomes import PER_TIER, RANKINGS, SUMMARY, Backtest, run_backtest
from tiering.backtest.replay import BacktestError
from tiering.outputs import PUBLISHED
from tiering.policy import PolicyError, load_policy
from tiering.settings import Settings
from tiering.warehouse.bi_layer import bi_layer_statements
from tiering.warehouse.lock import WarehouseError, hold_warehouse
from tiering.warehouse.publish import publish_tables


def backtest_command(scored_on: date, horizon_days: int, policy_path: Path | None, settings: Settings) -> int:
    """Run the backtest under the warehouse's lock, publish the marts with its rows, print its report; a one-line
    error and exit code 2 when it cannot be run."""
    started = datetime.now().astimezone()
    holder = f"the backtest scored on {scored_on} by process {os.getpid()} (started {started:%Y-%m-%d %H:%M:%S %Z})"
    try:
        if horizon_days < 1:
            raise BacktestError(f"--horizon-days must be a whole number of days above 0, not {horizon_days}")
        policy = load_policy(policy_path or settings.policy_path)
        backtest = Backtest(scored_on, horizon_days, policy.version)
        if not settings.work_db.exists():
            raise BacktestError(f"{settings.work_db} does not exist: run the nightly job (`tiers run`) first")
        config = {"memory_limit": settings.duckdb_memory_limit}
        with (
            hold_warehouse(settings.warehouse_dir.resolve(), settings.work_db.resolve(), holder),
            duckdb.connect(str(settings.work_db), config=config) as con,
        ):
            rows = run_backtest(con, backtest, policy, settings.clv_sample, settings.chunk_orders)
            publish_tables(
                con, list(PUBLISHED), settings.warehouse_dir, settings.bi_db.name, bi_layer_statements()
            )
    except (BacktestError, PolicyError, WarehouseError) as exc:
        print(f"tiers: {exc}", file=sys.stderr)
        return 2
    print(backtest_report(backtest, rows[PER_TIER], rows[SUMMARY]))
    print(
        f"\nPublished in {settings.bi_db} (marts.policy_backtest, _customers, _summary) and its Parquet exports."
    )
    return 0


def backtest_report(backtest: Backtest, per_tier: pl.DataFrame, summary: pl.DataFrame) -> str:
    """The per-tier table and the three rankings' figures, as the command prints them."""
    [figures] = summary.to_dicts()
    lines = [
        f"Backtest of policy {backtest.policy_version}: customers scored as of {backtest.scored_on}, what they did "
        f"in the {backtest.horizon_days} days to {backtest.horizon_end}",
        f"{figures['customers']:,} customers, revenue {figures['outcome_revenue']:,.0f}",
        "",
        f"  {'tier':<11} {'customers':>10} {'revenue share':>14} {'revenue/customer':>17} {'retained':>9}",
    ]
    for row in per_tier.iter_rows(named=True):
        lines.append(
            f"  {row['tier']:<11} {row['customers']:>10,} {_share(row['revenue_share']):>14} "
            f"{_number(row['revenue_per_customer']):>17} {_share(row['retained_share']):>9}"
        )
    lines += ["", f"  {'ranked by':<52} {'Gini':>6} {'top-decile lift':>16} {'retention AUC':>14}"]
    for ranking in RANKINGS:
        gini, lift, auc = (figures[f"{ranking.prefix}{figure}"] for figure in FIGURES)
        lines.append(f"  {ranking.name:<52} {_figure(gini):>6} {_figure(lift):>16} {_figure(auc):>14}")
    return "\n".join(lines)


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
