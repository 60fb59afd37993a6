"""The implementation against the published fits on CDNOW (Fader, Hardie & Lee 2005), through `tiers clv-fit`."""

import json
import subprocess
import sys
from datetime import date

import pytest

from tiering.clv.report import clv_fit, read_transactions

CALIBRATION_END = date(1997, 9, 30)  # 39 weeks after the cohort's first purchases; holdout to 1998-06-30

# BG/NBD: FHL 2005, "Counting your customers the easy way", Marketing Science 24(2), on the 1/10 sample.
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_BGNBD_LL = -9582.4
# Gamma-Gamma: FHL 2005, "RFM and CLV: using iso-value curves", the 946 repeat buyers of the same sample.
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}


@pytest.fixture(scope="module")
def sample_fit(cdnow) -> dict:
    args = ["clv-fit", "--transactions", str(cdnow["sample"]), "--calibration-end", str(CALIBRATION_END)]
    done = subprocess.run(
        [sys.executable, "-m", "tiering.cli", *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_bgnbd_matches_the_published_fit_on_the_cdnow_sample(sample_fit):
    assert sample_fit["customers"] == 2357 and sample_fit["time_unit"] == "week"
    fit = sample_fit["bgnbd"]
    assert fit["converged"]
    for name, published in PUBLISHED_BGNBD.items():
        assert fit[name] == pytest.approx(published, abs=0.0015), name  # published to 3 decimals
    assert fit["log_likelihood"] == pytest.approx(PUBLISHED_BGNBD_LL, abs=0.1)


def test_gamma_gamma_matches_the_published_fit_on_the_946_repeat_buyers(sample_fit):
    fit = sample_fit["gamma_gamma"]
    assert sample_fit["repeat_buyers"] == fit["customers"] == 946 and fit["converged"]
    for name, published in PUBLISHED_GAMMA_GAMMA.items():
        assert fit[name] == pytest.approx(published, abs=0.01), name


def test_holdout_compares_actual_and_predicted_by_calibration_repeats(sample_fit):
    holdout = sample_fit["holdout"]
    assert (holdout["start"], holdout["end"], holdout["length"]) == ("1997-10-01", "1998-06-30", 39.0)
    rows = holdout["by_calibration_repeats"]
    assert [r["calibration_repeats"] for r in rows] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert sum(r["customers"] for r in rows) == 2357 and rows[0]["customers"] == 1411
    assert holdout["actual"] == 1882  # distinct purchase days of the 2357 customers after 1997-09-30
    # The model tracks the holdout: within 15% in total and for the non-buyers of the calibration period.
    assert holdout["predicted"] == pytest.approx(holdout["actual"], rel=0.15)
    assert rows[0]["predicted"] == pytest.approx(rows[0]["actual"], rel=0.1)
    assert sample_fit["warnings"] == []


def test_days_as_time_unit_rescale_alpha_only(cdnow, sample_fit):
    daily = clv_fit(read_transactions(cdnow["sample"]), CALIBRATION_END, "day")["bgnbd"]
    weekly = sample_fit["bgnbd"]
    assert daily["alpha"] == pytest.approx(7 * weekly["alpha"], rel=1e-3)
    for name in ("r", "a", "b"):
        assert daily[name] == pytest.approx(weekly[name], rel=1e-3)


def test_whole_cohort_with_zero_dollar_purchases(cdnow):
    """23,570 customers, 80 purchases of 0 dollars: both fits converge near the sample's (same cohort)."""
    report = clv_fit(read_transactions(cdnow["master"]), CALIBRATION_END, "week")
    assert report["customers"] == 23570 and report["repeat_buyers"] == 9451
    assert report["bgnbd"]["converged"] and report["gamma_gamma"]["converged"]
    for name, published in PUBLISHED_BGNBD.items():
        assert report["bgnbd"][name] == pytest.approx(published, rel=0.12), name
    for name, published in PUBLISHED_GAMMA_GAMMA.items():
        assert report["gamma_gamma"][name] == pytest.approx(published, rel=0.05), name
    assert report["gamma_gamma"]["customers"] == 9450
    assert report["warnings"] == [
        "Gamma-Gamma: 1 repeat buyer(s) with a mean repeat spend of 0 left out of the fit"
    ]
    assert report["fit_seconds"] < 10
