"""Inputs the models cannot or can only partly support get a clear message, never a crash or NaN values."""

import subprocess
import sys
from datetime import date

import polars as pl
import pytest
from synthetic import purchase_log, staged_orders

from tiering.clv.data import ClvError, purchase_days, summarise
from tiering.clv.forecast import Models, predict
from tiering.clv.mle import Fit
from tiering.clv.report import clv_fit, read_transactions
from tiering.warehouse.forecast import fit_forecasts, nightly_forecast, write_forecasts

END = date(2025, 3, 31)


def _log(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": [date.fromisoformat(r[1]) for r in rows],
            "amount": [r[2] for r in rows],
        }
    )


def test_one_customer_is_refused_with_the_reason(tmp_path):
    csv = tmp_path / "one.csv"
    _log([("a", "2025-01-01", 10.0), ("a", "2025-02-01", 20.0)]).write_csv(csv)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tiering.cli",
            "clv-fit",
            "--transactions",
            str(csv),
            "--calibration-end",
            str(END),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == (
        "clv-fit: 1 customer(s) with a purchase on or before the calibration end: the models need at least 20"
    )


def test_no_repeat_buyers_is_refused_and_same_day_purchases_are_one():
    # 30 customers who each bought twice, but on one day: that is one purchase, so nobody repeated.
    log = _log([(f"c{i}", "2025-01-05", 10.0) for i in range(30)] * 2)
    with pytest.raises(ClvError, match=r"^0 of 30 customers made a repeat purchase"):
        clv_fit(log, END, "week")


def test_zero_amounts_fit_purchases_and_leave_spend_empty():
    log = purchase_log(1000, seed=3, amount=0.0)
    report = clv_fit(log, END, "week")
    assert report["bgnbd"]["converged"] and report["gamma_gamma"] is None
    assert any(
        w.startswith("Gamma-Gamma not fitted: 0 repeat buyer(s) with a positive spend")
        for w in report["warnings"]
    )
    values = nightly_forecast(log, END, sample_size=500).values
    assert values["p_alive"].null_count() == 0 and values["expected_value_12m"].null_count() == values.height
    assert not values.select(pl.exclude("customer_id", "as_of_date").is_nan().any()).row(0)[0]


def test_returns_with_negative_amounts_are_left_out_with_a_warning():
    log = purchase_log(1000, seed=4)
    returns = log.head(25).with_columns(amount=-pl.col("amount"))
    with_returns = clv_fit(pl.concat([log, returns]), END, "week")
    assert (
        with_returns["warnings"][0]
        == "25 row(s) with a negative amount (returns) are not purchases and were left out"
    )
    without = clv_fit(log, END, "week")
    assert with_returns["bgnbd"] == without["bgnbd"] and with_returns["gamma_gamma"] == without["gamma_gamma"]
    with pytest.raises(ClvError, match=r"^0 customer\(s\) with a purchase"):
        clv_fit(returns, END, "week")


def test_a_failed_nightly_fit_leaves_every_value_null_and_says_why():
    forecast = nightly_forecast(_log([("a", "2025-01-01", 10.0)]), END, sample_size=100)
    assert forecast.values.columns == [
        "customer_id",
        "as_of_date",
        "p_alive",
        "expected_purchases_12m",
        "expected_value_12m",
    ]
    assert forecast.values.height == 1 and forecast.values.null_count().row(0)[2:] == (1, 1, 1)
    assert forecast.warnings == [
        "no forecast: 1 customer(s) with a purchase on or before the calibration end: the models need at least 20"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "customer_id,day,amount\na,2025-01-01,1\n",
            "has no column date; it needs customer_id, date, amount",
        ),
        (
            "customer_id,date,amount\na,2025-01-01,1\nb,01/02/2025,2\n",
            r"1 row\(s\) with an empty or unreadable",
        ),
        ("customer_id,date,amount\na,2025-01-01,1\n,2025-01-02,2\nb,2025-01-03,x\n", "the first on line 3"),
    ],
)
def test_unreadable_files_are_refused_naming_the_problem(tmp_path, text, message):
    csv = tmp_path / "log.csv"
    csv.write_text(text)
    with pytest.raises(ClvError, match=message):
        read_transactions(csv)


def test_a_fit_that_did_not_converge_forecasts_nothing():
    stuck = Fit(
        params={"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 1.0},
        log_likelihood=-1.0,
        customers=20,
        converged=False,
        iterations=2000,
        message="ABNORMAL",
        at_bounds=(),
    )
    assert stuck.problems == ["the search did not converge (ABNORMAL)"]
    summary = summarise(purchase_days(purchase_log(50, seed=6).lazy()), END, 7.0)
    values = predict(summary, Models(stuck, None, ()), 52.0)
    assert values.height == summary.height and values.null_count().row(0)[1:] == (summary.height,) * 3


def test_a_backfill_fits_once_per_month_and_each_date_as_a_single_run_would():
    dates = [date(2026, 5, 30), date(2026, 5, 31), date(2026, 6, 1), date(2026, 6, 2)]
    with staged_orders(span_days=540) as con:
        orders = con.sql("SELECT * FROM staging.orders").pl()
        fits = fit_forecasts(con, dates, sample_size=100, orders_per_part=150)  # 3 customer parts
        write_forecasts(con, dates, fits, orders_per_part=150)
        written = con.sql("SELECT * FROM forecast.customer_value ORDER BY as_of_date, customer_id").pl()
    assert sorted(f.diagnostics["fitted_as_of"] for f in fits.fits.values()) == ["2026-05-01", "2026-06-01"]
    assert written["as_of_date"].unique().sort().to_list() == dates
    log = purchase_days(orders.lazy().select("customer_id", date="order_date", amount="net_amount")).collect()
    single = nightly_forecast(log, dates[1], sample_size=100, backtest=False)
    assert single.values.equals(written.filter(pl.col("as_of_date") == dates[1]))
