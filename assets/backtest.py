"""marts/policy_backtest*: each night, were last year's tiers right? The customers scored as of a year before the
run's as-of date, as the nightly run scores them, measured against what they did in the year since."""

from datetime import timedelta

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.checks import AFTER_MART_CHECKS
from assets.metadata import table_metadata
from assets.resources import TiersConfig, as_of_partitions, one_pass, run_dates
from tiering.backtest.outcomes import (
    NIGHTLY_HORIZON_DAYS,
    SUMMARY,
    TABLES,
    Backtest,
    measure_backtest,
    write_backtest,
)
from tiering.backtest.replay import READS, BacktestError
from tiering.warehouse.sql import run_sql

BACKTEST_SPECS = [
    dg.AssetSpec(
        key=table.split("."),
        deps=[dg.AssetKey(name.split(".")) for name in READS if name != "forecast.fits"]
        + [dg.AssetKey(["forecast", "customer_value"])]  # whose step keeps the fits
        + AFTER_MART_CHECKS,
        partitions_def=as_of_partitions,
        group_name="marts",
        kinds={"polars", "duckdb"},
        description="The backtest of the run's last as-of date D: customers scored as of D-365 with the policy, "
        "as the nightly run scores them, and what they did in (D-365, D]; `tiers backtest` adds others "
        "(docs/outputs.md). Left as it was when the orders do not go back to D-365.",
        owners=["team:sales-ops"],
    )
    for table in TABLES
]


@dg.multi_asset(specs=BACKTEST_SPECS, name="policy_backtest", backfill_policy=one_pass)
def policy_backtest(context: dg.AssetExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource):
    """Replace the backtest of a year before the run's last as-of date, when the orders reach back that far."""
    as_of = run_dates(context)[-1]
    policy = tiers.policy()
    backtest = Backtest(as_of - timedelta(days=NIGHTLY_HORIZON_DAYS), NIGHTLY_HORIZON_DAYS, policy.version)
    with duckdb.get_connection() as con:
        try:
            rows = measure_backtest(
                con, backtest, policy, tiers.clv_sample, tiers.chunk_orders, whole_horizon=False
            )
            write_backtest(con, backtest, rows)
            figures = rows[SUMMARY].to_dicts()[0]
        except BacktestError as exc:
            context.log.info(f"no backtest scored on {backtest.scored_on}: {exc}")
            run_sql(con, "backtest/tables")
            figures = {}
        for table in TABLES:
            yield dg.MaterializeResult(
                asset_key=table.split("."),
                metadata=table_metadata(
                    con,
                    table,
                    scored_on=str(backtest.scored_on),
                    backtest_run=bool(figures),
                    **_figures(figures),
                ),
            )


def _figures(figures: dict) -> dict:
    """The summary's ranking figures, those that are defined."""
    return {k: v for k, v in figures.items() if k.endswith(("gini", "lift", "auc")) and v is not None}
