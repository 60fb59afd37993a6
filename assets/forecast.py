"""The forecast asset: BG/NBD and Gamma-Gamma fitted on a sample of customers, every customer forecast."""

import os

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import table_metadata
from assets.partitions import as_of_partitions, one_pass, run_dates
from pipelines.resources import TiersConfig
from tiering.clv.nightly import DEFAULT_SAMPLE, NightlyForecast, holdout_chart, write_forecasts


@dg.asset(
    key=["forecast", "customer_value"],
    deps=[dg.AssetKey(["staging", "orders"])],
    partitions_def=as_of_partitions,
    backfill_policy=one_pass,
    group_name="traits",
    kinds={"scipy", "duckdb"},
    description="Per as-of date and customer with a completed order up to it: p_alive (BG/NBD), expected "
    "purchases and expected value (x Gamma-Gamma spend) in the next 12 months. Fitted as of the first day of "
    "each date's month (once per month of a backfill) on a seeded sample of at most TIERS_CLV_SAMPLE customers "
    f"(default {DEFAULT_SAMPLE:,}); null when the fit fails.",
    owners=["team:data-engineering"],
)
def customer_value(
    context: dg.AssetExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    dates = run_dates(context)
    sample_size = _sample_size()
    with duckdb.get_connection() as con:
        forecasts = write_forecasts(con, dates, sample_size, tiers.chunk_orders)
        for day, forecast in zip(dates, forecasts, strict=True):
            for warning in forecast.warnings:
                context.log.warning(f"customer value forecast as of {day}: {warning}")
        return dg.MaterializeResult(
            metadata=table_metadata(con, "forecast.customer_value", as_of_dates=len(dates))
            | _fit_metadata(forecasts[-1])
        )


def _sample_size() -> int:
    text = os.environ.get("TIERS_CLV_SAMPLE", str(DEFAULT_SAMPLE)).strip()
    if not text.isdigit() or int(text) < 1:
        raise dg.Failure(
            description=f"TIERS_CLV_SAMPLE must be a whole number of customers above 0, not '{text}'"
        )
    return int(text)


def _fit_metadata(forecast: NightlyForecast) -> dict:
    """The last date's fit: parameters, log-likelihoods, timing, warnings and the back-test chart."""
    diagnostics = forecast.diagnostics
    metadata = {
        "customers_forecast": forecast.values["p_alive"].count(),
        "warnings": dg.MetadataValue.md("\n".join(f"- {w}" for w in forecast.warnings) or "none"),
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
    backtest = diagnostics.get("backtest")
    if isinstance(backtest, dict):
        metadata["backtest_calibration_end"] = backtest["calibration_end"]
        metadata["backtest_actual_purchases"] = backtest["actual"]
        if backtest["predicted"] is not None:
            metadata["backtest_predicted_purchases"] = backtest["predicted"]
        metadata["backtest_chart"] = dg.MetadataValue.md(holdout_chart(backtest))
    elif backtest:
        metadata["backtest_chart"] = dg.MetadataValue.md(backtest)
    return metadata
