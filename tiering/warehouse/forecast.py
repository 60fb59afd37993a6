"""The nightly forecast: fit on a seeded sample of customers, forecast all of them, back-test on the last year.

A fit serves a month (fit_date) and is kept in forecast.fits with the fingerprint of what it was made from (the
completed orders up to its day, the sample size, FIT_VERSION): a later run of the month made from the same orders
reads it back instead of fitting again, and late orders dated before that day make it fit again.
"""

import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import duckdb
import numpy as np
import polars as pl

from tiering.clv.data import TIME_UNITS, ClvError, purchase_days, summarise
from tiering.clv.forecast import Models, fit_models, holdout_comparison, predict
from tiering.clv.mle import Fit as ModelFit
from tiering.warehouse.shards import ShardedTable
from tiering.warehouse.sql import run_sql, sql_text
from tiering.warehouse.tables import customer_parts, read_sql, replace_in_parts

SEED = 20050101
FIT_VERSION = (
    1  # part of a stored fit's fingerprint: raise it when the models or what they are fitted on change
)
UNIT_DAYS = TIME_UNITS["week"]
HORIZON_DAYS = 365
# the models' outputs under their column names (the forecast traits declared in tiering/traits)
MODEL_OUTPUTS = {
    "p_alive": "p_alive",
    "expected_purchases": "expected_purchases_12m",
    "expected_value": "expected_value_12m",
}
# Computed shard by shard (see tiering.warehouse.shards) from the staged orders, with the fits made once for all shards.
FORECAST = ShardedTable("forecast", "forecast.customer_value", staged=("orders",))


@dataclass
class NightlyForecast:
    """One row per customer with a purchase up to the as-of date (values), the fit's diagnostics and warnings."""

    values: pl.DataFrame
    diagnostics: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def fit_date(as_of: date) -> date:
    """The day the models serving `as_of` are fitted as of: the first of its month. Every run that covers a
    date fits the same models for it, so re-running a date alone or inside a backfill gives the same rows,
    and a backfill fits once per month instead of once per date."""
    return as_of.replace(day=1)


def nightly_forecast(
    days: pl.DataFrame, as_of: date, sample_size: int, backtest: bool = True
) -> NightlyForecast:
    """Forecast the 12 months after `as_of` for every customer, from purchase days (see data.purchase_days);
    the models are fitted as of fit_date(as_of) on at most `sample_size` customers drawn with a fixed seed.

    Values: customer_id, as_of_date and the forecast columns (MODEL_OUTPUTS), null (with warnings saying why)
    when the models cannot be fitted or their fit is not trusted. `backtest` adds the same fit made a year earlier, checked.
    """
    days = days.lazy().filter(pl.col("date") <= as_of)
    day = fit_date(as_of)
    earlier = backtest_summary(days, day) if backtest else None
    fit = fit_summary(summarise(days, day, UNIT_DAYS), day, sample_size, earlier)
    return forecast_summary(summarise(days, as_of, UNIT_DAYS), as_of, fit)


@dataclass
class ForecastFits:
    """The models serving a run's dates, by fit_date, fitted once for all customers (and so for every shard)."""

    fits: dict[date, "Fit"]

    def serving(self, as_of: date) -> "Fit":
        return self.fits[fit_date(as_of)]


def fit_forecasts(
    con: duckdb.DuckDBPyConnection, dates: list[date], sample_size: int, orders_per_part: int
) -> ForecastFits:
    """The fits of the run's months, each with its back-test: read back from forecast.fits when made before
    from the same orders, else made on all customers of staging.orders, read one customer part at a time (see
    tiering.warehouse.tables) down to per-customer summaries, and stored."""
    run_sql(con, "forecast/fits")
    fit_days = sorted({fit_date(day) for day in dates})
    inputs = {day: _fit_inputs(con, day, sample_size) for day in fit_days}
    fits = {day: _stored_fit(con, day, inputs[day]) for day in fit_days}
    missing = [day for day, fit in fits.items() if fit is None]
    if missing:
        summaries, earlier = _summaries(con, missing, max(missing), orders_per_part, backtest=True)
        for day in missing:
            fits[day] = fit_summary(_whole(summaries[day]), day, sample_size, _whole(earlier[day]))
            con.execute(sql_text("forecast:store_fit"), [day, inputs[day], _fit_record(fits[day])])
    return ForecastFits(fits)


def _fit_inputs(con: duckdb.DuckDBPyConnection, day: date, sample_size: int) -> str:
    """The fingerprint of what a fit as of `day` is made from."""
    [(orders,)] = con.execute(sql_text("forecast:fit_orders"), {"fitted_as_of": day}).fetchall()
    return f"v{FIT_VERSION} sample {sample_size} orders {orders}"


def _stored_fit(con: duckdb.DuckDBPyConnection, day: date, inputs: str) -> "Fit | None":
    """The fit as of `day` stored with the same fingerprint, if any."""
    rows = con.execute(sql_text("forecast:stored_fit"), {"fitted_as_of": day, "inputs": inputs}).fetchall()
    return _fit_from_record(rows[0][0]) if rows else None


def _fit_record(fit: "Fit") -> str:
    """A fit as JSON (its parameters exact: floats round-trip through JSON)."""
    models = fit.models
    record = {
        "models": None
        if models is None
        else {
            "bgnbd": asdict(models.bgnbd),
            "gamma_gamma": None if models.gamma_gamma is None else asdict(models.gamma_gamma),
            "warnings": list(models.warnings),
        },
        "diagnostics": fit.diagnostics,
        "warnings": fit.warnings,
        "backtest": fit.backtest,
    }
    return json.dumps(record, default=lambda value: value.item())  # numpy scalars as Python numbers


def _fit_from_record(text: str) -> "Fit":
    record = json.loads(text)
    models = record["models"]
    if models is not None:

        def model(fields: dict | None) -> ModelFit | None:
            return None if fields is None else ModelFit(**fields | {"at_bounds": tuple(fields["at_bounds"])})

        models = Models(model(models["bgnbd"]), model(models["gamma_gamma"]), tuple(models["warnings"]))
    return Fit(models, record["diagnostics"], record["warnings"], record["backtest"], reused=True)


def write_forecasts(
    con: duckdb.DuckDBPyConnection, dates: list[date], fits: ForecastFits, orders_per_part: int
) -> None:
    """forecast.customer_value: every customer of staging.orders with a purchase up to each date, forecast with
    the date's fit (see nightly_forecast), one customer part at a time."""
    summaries, _ = _summaries(con, dates, dates[-1], orders_per_part, backtest=False)

    def values_by_date() -> Iterator[pl.DataFrame]:
        for day in dates:
            yield _values(_whole(summaries.pop(day)), fits.serving(day).models, day)

    replace_in_parts(con, "forecast.customer_value", values_by_date())


def _summaries(
    con: duckdb.DuckDBPyConnection, days: list[date], last: date, orders_per_part: int, backtest: bool
) -> tuple[dict[date, list[pl.DataFrame]], dict[date, list[pl.DataFrame]]]:
    """Per day, each customer part's summary as of that day (from the completed orders up to `last`); and, if
    `backtest`, each part's back-test summary of that day (else none)."""
    summaries: dict[date, list[pl.DataFrame]] = {day: [] for day in days}
    earlier: dict[date, list[pl.DataFrame]] = {day: [] for day in days} if backtest else {}
    for part in customer_parts(con, "staging.orders", orders_per_part):
        log = read_sql(con, "forecast/completed_orders", part | {"last_date": last})
        purchases = purchase_days(log.lazy()).collect().lazy()
        for day, so_far in summaries.items():
            so_far.append(summarise(purchases, day, UNIT_DAYS))
        for day, so_far in earlier.items():
            so_far.append(backtest_summary(purchases, day))
    return summaries, earlier


def forecast_counts(con: duckdb.DuckDBPyConnection) -> dict[date, tuple[int, int]]:
    """Per as-of date of forecast.customer_value: (customers left without a forecast, customers forecast)."""
    rows = con.execute(sql_text("forecast:counts")).fetchall()
    return {day: (unforecast, forecast) for day, unforecast, forecast in rows}


def forecast_warnings(fit: "Fit", unforecast: int) -> list[str]:
    """The fit's warnings, and how many customers were left without a forecast though the fit is usable."""
    warnings = list(fit.warnings)
    if fit.models is not None and fit.models.purchase_params is not None and unforecast:
        warnings.append(f"{unforecast} customer(s) left without a forecast: it was not a finite number")
    return warnings


def _whole(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """The per-part summaries as one, in customer order (as a single pass gives it)."""
    return pl.concat(parts).sort("customer_id")


def backtest_summary(days: pl.LazyFrame, as_of: date) -> pl.DataFrame:
    """The summary a year before `as_of`, with the purchase days of the year up to `as_of` as holdout."""
    return summarise(days, as_of - timedelta(days=HORIZON_DAYS), UNIT_DAYS, holdout_end=as_of)


@dataclass
class Fit:
    """The models fitted as of one day (None when they cannot be), with diagnostics and warnings, and the
    back-test of the same fit a year earlier: diagnostics, a sentence saying why there is none, or None when
    not asked for. `reused`: read back from forecast.fits, not made by this run."""

    models: Models | None
    diagnostics: dict
    warnings: list[str]
    backtest: dict | str | None = None
    reused: bool = False


def fit_summary(
    summary: pl.DataFrame, fitted_on: date, sample_size: int, earlier: pl.DataFrame | None = None
) -> Fit:
    """The models fitted on a seeded sample of the customers of the summary as of `fitted_on`; back-tested on
    the same sample's `earlier` summary (see backtest_summary), if given."""
    sample = sample_customers(summary["customer_id"], sample_size)
    fitted = summary.filter(pl.col("customer_id").is_in(sample.implode()))
    started = time.perf_counter()
    try:
        models = fit_models(fitted)
    except ClvError as exc:
        return Fit(None, {"fitted_as_of": str(fitted_on)}, [f"no forecast: {exc}"])
    diagnostics = {"fitted_as_of": str(fitted_on)} | _fit_diagnostics(
        models, fitted, time.perf_counter() - started
    )
    warnings = list(models.warnings) + _empty_forecast_warnings(models)
    backtest = None
    if earlier is not None:
        backtest = _backtest(earlier.filter(pl.col("customer_id").is_in(sample.implode())), fitted_on)
    return Fit(models, diagnostics, warnings, backtest)


def forecast_summary(summary: pl.DataFrame, as_of: date, fit: Fit) -> NightlyForecast:
    """The forecast of every customer of the summary as of `as_of` with the fit (and its back-test, if any)."""
    values = _values(summary, fit.models, as_of)
    backtest = {} if fit.backtest is None else {"backtest": fit.backtest}
    return NightlyForecast(
        values=values,
        diagnostics={"customers": summary.height} | fit.diagnostics | backtest,
        warnings=forecast_warnings(fit, values["expected_purchases_12m"].null_count()),
    )


def _empty_forecast_warnings(models: Models) -> list[str]:
    if models.purchase_params is None:
        return ["no forecast: the BG/NBD fit is not usable, every forecast column is left empty"]
    if models.spend_params is None:
        return ["no expected value: spend could not be modelled, expected_value_12m is left empty"]
    return []


def sample_customers(ids: pl.Series, size: int) -> pl.Series:
    """At most `size` of the ids, drawn without replacement with a fixed seed: the same ids give the same sample."""
    if ids.len() <= size:
        return ids
    picked = np.sort(np.random.default_rng(SEED).choice(ids.len(), size, replace=False))
    return ids.sort().gather(picked)


def _values(summary: pl.DataFrame, models: Models | None, as_of: date) -> pl.DataFrame:
    if models is None:
        values = summary.select("customer_id", *(pl.lit(None, pl.Float64).alias(c) for c in MODEL_OUTPUTS))
    else:
        values = predict(summary, models, HORIZON_DAYS / UNIT_DAYS)
    return values.rename(MODEL_OUTPUTS).select(
        "customer_id", pl.lit(as_of).alias("as_of_date"), *MODEL_OUTPUTS.values()
    )


def _fit_diagnostics(models: Models, fitted: pl.DataFrame, seconds: float) -> dict:
    return {
        "fitted_customers": fitted.height,
        "repeat_buyers": int((fitted["x"] > 0).sum()),
        "bgnbd": models.bgnbd.as_dict(),
        "gamma_gamma": None if models.gamma_gamma is None else models.gamma_gamma.as_dict(),
        "fit_seconds": round(seconds, 3),
    }


def _backtest(summary: pl.DataFrame, as_of: date) -> dict | str:
    """The same fit a year before `as_of` (a fit's day), on the sample's backtest_summary, against the purchases
    of the year up to `as_of`; a sentence instead when that earlier fit is impossible."""
    start = as_of - timedelta(days=HORIZON_DAYS)
    try:
        models = fit_models(summary)
    except ClvError as exc:
        return f"no back-test as of {start}: {exc}"
    return {"calibration_end": str(start), **holdout_comparison(summary, models, HORIZON_DAYS / UNIT_DAYS)}


def holdout_chart(comparison: dict) -> str:
    """A markdown table of actual vs predicted purchases per customer by calibration repeats, with bars."""
    rows = comparison["by_calibration_repeats"]
    top = max([r["actual"] for r in rows] + [r["predicted"] or 0.0 for r in rows]) or 1.0

    def bar(value: float | None) -> str:
        return "" if value is None else "█" * round(20 * value / top)

    lines = ["| repeats | customers | actual | predicted | actual | predicted |", "|---|---|---|---|---|---|"]
    lines += [
        f"| {r['calibration_repeats']} | {r['customers']} | {r['actual']} | {r['predicted']} | "
        f"{bar(r['actual'])} | {bar(r['predicted'])} |"
        for r in rows
    ]
    return "\n".join(lines)
