"""Fit both models on a customer summary, forecast every customer, and compare forecasts with a holdout."""

from dataclasses import dataclass

import numpy as np
import polars as pl

from tiering.clv import bgnbd, gamma_gamma
from tiering.clv.data import ClvError
from tiering.clv.mle import Fit

MIN_CUSTOMERS = 20
MIN_REPEAT_BUYERS = 10
TOP_REPEATS = 7  # the holdout comparison groups customers by calibration repeats 0, 1, ..., 6 and 7+


@dataclass(frozen=True)
class Models:
    """The fitted models; gamma_gamma is None when spend could not be modelled, and warnings say why."""

    bgnbd: Fit
    gamma_gamma: Fit | None
    warnings: tuple[str, ...]

    @property
    def purchase_params(self) -> np.ndarray | None:
        """BG/NBD parameters when the fit can be trusted, else None."""
        return None if self.bgnbd.problems else self.bgnbd.values

    @property
    def spend_params(self) -> np.ndarray | None:
        """Gamma-Gamma parameters when fitted, trusted and with a finite mean spend (q > 1), else None."""
        gg = self.gamma_gamma
        return None if gg is None or gg.problems or gg.params["q"] <= 1 else gg.values


def fit_models(summary: pl.DataFrame) -> Models:
    """BG/NBD on every customer of the summary (see data.summarise), Gamma-Gamma on repeat buyers with spend.

    Raises ClvError when there are too few customers or repeat buyers to fit BG/NBD at all.
    """
    repeaters = summary.filter(pl.col("x") > 0)
    if summary.height < MIN_CUSTOMERS:
        raise ClvError(
            f"{summary.height} customer(s) with a purchase on or before the calibration end: "
            f"the models need at least {MIN_CUSTOMERS}"
        )
    if repeaters.height < MIN_REPEAT_BUYERS:
        raise ClvError(
            f"{repeaters.height} of {summary.height} customers made a repeat purchase (on a later day than "
            f"their first): BG/NBD needs at least {MIN_REPEAT_BUYERS} repeat buyers"
        )
    x, t_x, T = (summary[c].to_numpy().astype(float) for c in ("x", "t_x", "T"))
    purchases = bgnbd.fit(x, t_x, T)
    spend, spend_warnings = _fit_spend(repeaters)
    warnings = [f"BG/NBD: {p}" for p in purchases.problems + purchases.notes] + spend_warnings
    return Models(purchases, spend, tuple(warnings))


def _fit_spend(repeaters: pl.DataFrame) -> tuple[Fit | None, list[str]]:
    spenders = repeaters.filter(pl.col("m") > 0)
    warnings = []
    if spenders.height < repeaters.height:
        left_out = repeaters.height - spenders.height
        warnings.append(
            f"Gamma-Gamma: {left_out} repeat buyer(s) with a mean repeat spend of 0 left out of the fit"
        )
    if spenders.height < MIN_REPEAT_BUYERS:
        warnings.append(
            f"Gamma-Gamma not fitted: {spenders.height} repeat buyer(s) with a positive spend, at least "
            f"{MIN_REPEAT_BUYERS} needed"
        )
        return None, warnings
    spend = gamma_gamma.fit(spenders["x"].to_numpy().astype(float), spenders["m"].to_numpy())
    warnings += [f"Gamma-Gamma: {p}" for p in spend.problems + spend.notes]
    if spend.params["q"] <= 1:
        warnings.append(f"Gamma-Gamma: q = {spend.params['q']:.3g} <= 1 gives an unbounded mean spend")
    return spend, warnings


def predict(summary: pl.DataFrame, models: Models, horizon: float) -> pl.DataFrame:
    """Per customer of the summary: p_alive, expected_purchases in the next `horizon` time units and
    expected_value = expected_purchases x expected spend per purchase; null where a model is unusable."""
    x, t_x, T = (summary[c].to_numpy().astype(float) for c in ("x", "t_x", "T"))
    m = summary["m"].fill_null(0.0).to_numpy()
    nothing = np.full(summary.height, np.nan)
    params = models.purchase_params
    alive = nothing if params is None else bgnbd.p_alive(params, x, t_x, T)
    purchases = nothing if params is None else bgnbd.expected_purchases(params, horizon, x, t_x, T)
    spend = nothing if models.spend_params is None else gamma_gamma.expected_spend(models.spend_params, x, m)
    return pl.DataFrame(
        {
            "customer_id": summary["customer_id"],
            "p_alive": alive,
            "expected_purchases": purchases,
            "expected_value": purchases * spend,
        }
    ).with_columns(pl.exclude("customer_id").fill_nan(None))


def holdout_comparison(summary: pl.DataFrame, models: Models, length: float) -> dict:
    """Actual vs predicted repeat purchases in the holdout (the summary's `holdout` column, `length` time units
    long), in total and per number of calibration repeats (0 to 6 and 7+), as means per customer."""
    predicted = predict(summary, models, length)["expected_purchases"]
    frame = summary.select(
        repeats=pl.col("x").clip(upper_bound=TOP_REPEATS), actual=pl.col("holdout"), predicted=predicted
    )
    groups = frame.group_by("repeats").agg(
        customers=pl.len(), actual=pl.col("actual").mean(), predicted=pl.col("predicted").mean()
    )
    rows = [
        {
            "calibration_repeats": f"{r['repeats']}+" if r["repeats"] == TOP_REPEATS else str(r["repeats"]),
            "customers": r["customers"],
            "actual": round(r["actual"], 3),
            "predicted": None if r["predicted"] is None else round(r["predicted"], 3),
        }
        for r in groups.sort("repeats").iter_rows(named=True)
    ]
    total = frame["predicted"].sum() if frame["predicted"].null_count() == 0 else None
    return {
        "length": round(length, 3),
        "actual": int(frame["actual"].sum()),
        "predicted": None if total is None else round(total, 1),
        "by_calibration_repeats": rows,
    }
