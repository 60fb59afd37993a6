"""forecast/customer_value: each customer's expected future value, computed shard by shard (assets/sharded.py)."""

import dagster as dg

from assets.metadata import table_metadata
from assets.sharded import ShardedAsset
from tiering.settings import Settings
from tiering.warehouse.forecast import (
    FORECAST,
    Fit,
    ForecastFits,
    fit_forecasts,
    forecast_counts,
    forecast_warnings,
    holdout_chart,
    write_forecasts,
)
from tiering.warehouse.shards import ShardPlan


def _metadata(context: dg.OpExecutionContext, tiers, con, plan: ShardPlan) -> dict:
    fits: ForecastFits = plan.shared
    counts = forecast_counts(con)
    last = plan.dates[-1]
    warnings = []
    for day in plan.dates:  # each date's warnings logged; the last date's in the metadata
        warnings = forecast_warnings(fits.serving(day), counts.get(day, (0, 0))[0])
        for warning in warnings:
            context.log.warning(f"customer value forecast as of {day}: {warning}")
    return (
        table_metadata(con, FORECAST.table, as_of_dates=len(plan.dates))
        | _fit_metadata(fits.serving(last), warnings)
        | {"customers_forecast": counts.get(last, (0, 0))[1]}
    )


def _fit_metadata(fit: Fit, warnings: list[str]) -> dict:
    """A fit's parameters, log-likelihoods, timing, warnings, back-test chart and whether this run made it."""
    diagnostics, backtest = fit.diagnostics, fit.backtest
    metadata = {
        "warnings": dg.MetadataValue.md("\n".join(f"- {w}" for w in warnings) or "none"),
        "fit_reused": fit.reused,
    }
    metadata |= {
        key: diagnostics[key]
        for key in ("fitted_as_of", "fitted_customers", "repeat_buyers", "fit_seconds")
        if key in diagnostics
    }
    for model in ("bgnbd", "gamma_gamma"):
        if diagnostics.get(model):
            metadata[model] = dg.MetadataValue.json(diagnostics[model])
            metadata[f"{model}_log_likelihood"] = diagnostics[model]["log_likelihood"]
    if isinstance(backtest, dict):
        metadata["backtest_calibration_end"] = backtest["calibration_end"]
        metadata["backtest_actual_purchases"] = backtest["actual"]
        if backtest["predicted"] is not None:
            metadata["backtest_predicted_purchases"] = backtest["predicted"]
        metadata["backtest_chart"] = dg.MetadataValue.md(holdout_chart(backtest))
    elif backtest:
        metadata["backtest_chart"] = dg.MetadataValue.md(backtest)
    return metadata


customer_value = ShardedAsset(
    FORECAST,
    key=["forecast", "customer_value"],
    deps=[["staging", table] for table in FORECAST.staged],
    group="traits",
    kinds={"scipy", "duckdb"},
    owner="team:data-engineering",
    description="Per as-of date and customer with a completed order up to it: p_alive (BG/NBD), expected "
    "purchases and expected value (x Gamma-Gamma spend) in the next 12 months. Fitted as of the first day of "
    "each date's month (once per month of a backfill, once for all shards) on a seeded sample of at most "
    f"TIERS_CLV_SAMPLE customers (default {Settings.clv_sample:,}); null when the fit fails. A fit is kept in "
    "forecast.fits and reused by the month's later runs while the completed orders up to its day are unchanged.",
    share=lambda tiers, con, dates: fit_forecasts(con, dates, tiers.clv_sample, tiers.chunk_orders),
    compute=lambda con, plan, orders_per_part: write_forecasts(con, plan.dates, plan.shared, orders_per_part),
    metadata=_metadata,
)
