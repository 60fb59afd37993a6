"""A month's fit is made once and read back by the month's later runs while its orders are unchanged."""

from datetime import date, timedelta

import pytest
from synthetic import staged_orders

from tiering.warehouse.forecast import fit_forecasts, write_forecasts

DAY = date(2026, 6, 20)  # served by the fit as of 2026-06-01


@pytest.fixture
def con():
    with staged_orders(span_days=520) as connection:
        yield connection


def _add_order(con, customer: str, day: date, amount: float) -> None:
    con.execute(
        "INSERT INTO staging.orders VALUES (?, ?, 'completed', ?, customer_bucket(?))",
        [customer, day, amount, customer],
    )


def _forecasts(con, day: date, sample_size: int = 100):
    fits = fit_forecasts(con, [day], sample_size, orders_per_part=150)
    write_forecasts(con, [day], fits, orders_per_part=150)
    values = con.sql("SELECT * FROM forecast.customer_value ORDER BY customer_id").pl()
    return fits.serving(day), values


def test_a_later_run_of_the_month_reuses_the_fit_and_forecasts_the_same(con):
    made, _ = _forecasts(con, DAY)
    assert not made.reused and isinstance(made.backtest, dict)
    assert made.backtest["calibration_end"] == "2025-06-01"  # a year before the fit's day
    reused, again = _forecasts(con, DAY + timedelta(days=1))
    assert reused.reused
    assert reused.models == made.models  # parameters exact after the round trip
    assert (reused.diagnostics, reused.warnings, reused.backtest) == (
        made.diagnostics,
        made.warnings,
        made.backtest,
    )
    assert con.execute("SELECT count(*) FROM forecast.fits").fetchall() == [(1,)]
    con.execute("DELETE FROM forecast.fits")
    fresh, anew = _forecasts(con, DAY + timedelta(days=1))
    assert not fresh.reused and again.equals(anew)


def test_orders_after_the_fit_day_keep_it_and_late_orders_before_it_refit(con):
    made, _ = _forecasts(con, DAY)
    _add_order(con, "c1", date(2026, 6, 10), 500.0)  # after the fit's day: the fit's inputs are unchanged
    assert _forecasts(con, DAY)[0].reused
    _add_order(con, "c1", date(2026, 3, 10), 500.0)  # a late order before it: fitted again
    refit, _ = _forecasts(con, DAY)
    assert not refit.reused and refit.models != made.models
    assert _forecasts(con, DAY)[0].reused  # and that fit is then reused
    assert not _forecasts(con, DAY, sample_size=30)[0].reused  # another sample size is another fit
