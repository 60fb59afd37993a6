"""`tiers policy suggest` on the S demo, and its pieces on hand-computed cases."""

import shutil
from datetime import date

import polars as pl
import pytest

from support.tiers import run_tiers
from tiering.backtest.replay import BacktestError
from tiering.backtest.suggest import Periods, _bounds, _round
from tiering.policy import SCORABLE_TRAITS, load_policy
from tiering.settings import DEFAULT_POLICY


def test_the_history_is_split_into_a_fit_and_a_check_period_of_equal_horizons():
    assert Periods.before(date(2026, 6, 30), date(2023, 1, 1)) == Periods(
        date(2024, 6, 30), date(2025, 6, 30), date(2026, 6, 30), 365
    )
    # 272 days of orders: three horizons of 90 days
    assert Periods.before(date(1997, 9, 30), date(1997, 1, 1)) == Periods(
        date(1997, 4, 3), date(1997, 7, 2), date(1997, 9, 30), 90
    )
    with pytest.raises(BacktestError, match="a suggestion needs at least 90 days of them"):
        Periods.before(date(2026, 6, 30), date(2026, 5, 1))


def test_thresholds_are_quantiles_rounded_to_two_significant_figures_widened_until_they_differ():
    assert [_round(v) for v in (1234.5, 0.012345, -0.987, 0.0, 96.6)] == [1200.0, 0.012, -0.99, 0.0, 97.0]
    assert _bounds(pl.Series([float(v) for v in range(1, 102)])) == ((0.1, 11.0), (0.9, 91.0))
    # 95 zeros and 6 ones: the 10th and 90th percentiles are both 0, the 5th and 95th differ
    assert _bounds(pl.Series([0.0] * 95 + [1.0] * 6)) == ((0.05, 0.0), (0.95, 1.0))
    # 98 zeros and 3 ones: only the 1st and 99th differ
    assert _bounds(pl.Series([0.0] * 98 + [1.0] * 3)) == ((0.01, 0.0), (0.99, 1.0))
    assert _bounds(pl.Series([3.0] * 50)) is None


@pytest.fixture
def warehouse(s_run, tmp_path):
    settings, result = s_run
    assert result.success
    copy = tmp_path / "warehouse"
    copy.mkdir()
    shutil.copy(settings.work_db, copy / "work.duckdb")
    return copy


def test_a_suggested_policy_is_complete_valid_commented_and_never_the_one_in_use(warehouse, tmp_path):
    env = {"TIERS_WAREHOUSE_DIR": str(warehouse), "DAGSTER_HOME": str(tmp_path)}
    out = tmp_path / "suggested.yaml"
    done = run_tiers(["policy", "suggest", "--out", str(out)], env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {out}: ") and "normalized Gini" in done.stdout
    policy = load_policy(out)
    assert policy.version == "suggested-2026-06-30" and set(policy.traits) <= set(SCORABLE_TRAITS)
    assert 0 < policy.tiers.acceptable < policy.tiers.ideal < 100
    text = out.read_text()
    assert (
        "# Weights: fitted to rank what customers bought in the " in text and "# checked on what they" in text
    )
    for trait, rule in policy.traits.items():
        assert f"  {trait}:  # poor: the " in text and rule.poor != rule.ideal
    in_use = DEFAULT_POLICY.read_bytes()
    done = run_tiers(["policy", "suggest", "--out", str(DEFAULT_POLICY)], env)
    assert done.returncode == 2 and "is the policy in use (TIERS_POLICY)" in done.stderr
    assert DEFAULT_POLICY.read_bytes() == in_use
