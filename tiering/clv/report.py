"""`tiers clv-fit`: fit both models to a transaction log CSV and print the fit and a holdout check as JSON."""

import argparse
import json
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from tiering.clv.data import TIME_UNITS, ClvError, purchase_days, summarise
from tiering.clv.forecast import fit_models, holdout_comparison

COLUMNS = ("customer_id", "date", "amount")


def clv_fit_command(args: argparse.Namespace) -> int:
    """Print the JSON report of clv_fit, or a one-line reason on stderr and exit code 1."""
    try:
        report = clv_fit(read_transactions(args.transactions), args.calibration_end, args.time_unit)
    except ClvError as exc:
        print(f"clv-fit: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2))
    return 0


def read_transactions(path: Path) -> pl.DataFrame:
    """customer_id, date (YYYY-MM-DD), amount from a CSV with a header; ClvError naming what is wrong."""
    try:
        raw = pl.read_csv(path, infer_schema=False)
    except FileNotFoundError:
        raise ClvError(f"{path} does not exist") from None
    except pl.exceptions.PolarsError as exc:
        raise ClvError(f"{path} is not a readable CSV file: {exc}") from None
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ClvError(f"{path} has no column {', '.join(missing)}; it needs {', '.join(COLUMNS)}")
    text = {c: pl.col(c).str.strip_chars() for c in COLUMNS}
    frame = raw.select(
        customer_id=text["customer_id"].replace("", None),
        date=text["date"].str.to_date("%Y-%m-%d", strict=False),
        amount=text["amount"].cast(pl.Float64, strict=False),
    )
    unreadable = frame.with_row_index("line", offset=2).filter(pl.any_horizontal(pl.all().is_null()))
    if unreadable.height:
        raise ClvError(
            f"{path}: {unreadable.height} row(s) with an empty or unreadable customer_id, date (YYYY-MM-DD) or "
            f"amount, the first on line {unreadable['line'][0]}"
        )
    return frame


def clv_fit(transactions: pl.DataFrame, calibration_end: date, time_unit: str) -> dict:
    """The fitted parameters, log-likelihoods, customer counts and the holdout comparison as a dict.

    Calibration customers are those whose first purchase is on or before calibration_end; the holdout runs
    from the day after it to the last date in the log.
    """
    unit_days = TIME_UNITS[time_unit]
    last_day = transactions["date"].max()
    summary = summarise(purchase_days(transactions.lazy()), calibration_end, unit_days, holdout_end=last_day)
    started = time.perf_counter()
    models = fit_models(summary)
    fit_seconds = time.perf_counter() - started
    warnings = list(models.warnings)
    returns = int((transactions["amount"] < 0).sum())
    if returns:
        warnings.insert(
            0, f"{returns} row(s) with a negative amount (returns) are not purchases and were left out"
        )
    holdout = None
    if last_day > calibration_end:
        holdout = {
            "start": str(calibration_end + timedelta(days=1)),
            "end": str(last_day),
            **holdout_comparison(summary, models, (last_day - calibration_end).days / unit_days),
        }
    return {
        "calibration_end": str(calibration_end),
        "time_unit": time_unit,
        "customers": summary.height,
        "repeat_buyers": int((summary["x"] > 0).sum()),
        "bgnbd": models.bgnbd.as_dict(),
        "gamma_gamma": None if models.gamma_gamma is None else models.gamma_gamma.as_dict(),
        "holdout": holdout,
        "warnings": warnings,
        "fit_seconds": round(fit_seconds, 3),
    }
