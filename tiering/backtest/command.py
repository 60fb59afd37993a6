"""`tiers backtest`: score customers as of a past date, measure what they did next, publish and print it."""

import os
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb

from tiering.backtest.outcomes import PER_TIER, SUMMARY, Backtest, measure_backtest, write_backtest
from tiering.backtest.replay import BacktestError
from tiering.backtest.report import backtest_report
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
            rows = measure_backtest(con, backtest, policy, settings.clv_sample, settings.chunk_orders)
            write_backtest(con, backtest, rows)
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
