"""The forecast in the nightly run: the asset and its metadata, the traits, the `rising` rule and its reason."""

from pathlib import Path

import duckdb
import polars as pl
import pytest
import yaml

from tiering.clv.traits import FORECAST_COLUMNS, rising_flag
from tiering.policy import Policy, PolicyError, RisingRule, load_policy
from tiering.scoring import score_customers
from tiering.settings import DEFAULT_POLICY, Settings, SettingsError
from tiering.warehouse.forecast import sample_customers


def _materialisation(result, key: list[str]):
    events = [e for e in result.all_events if e.is_step_materialization and e.asset_key.path == key]
    assert len(events) == 1, key
    return events[0].event_specific_data.materialization


def test_the_forecast_asset_records_the_fit_and_its_back_test(s_run):
    _, result = s_run
    metadata = _materialisation(result, ["forecast", "customer_value"]).metadata
    bgnbd = metadata["bgnbd"].value
    assert set(bgnbd) >= {"r", "alpha", "a", "b", "log_likelihood", "converged"} and bgnbd["converged"]
    assert set(metadata["gamma_gamma"].value) >= {"p", "q", "gamma", "log_likelihood"}
    assert metadata["fitted_as_of"].value == "2026-06-01"  # the first day of the as-of date's month
    # S is below the sample size: every customer with a purchase by the fit date, fewer than those forecast
    assert 0.95 * metadata["dagster/row_count"].value < metadata["fitted_customers"].value
    assert metadata["fitted_customers"].value <= metadata["dagster/row_count"].value
    assert metadata["customers_forecast"].value == metadata["dagster/row_count"].value
    assert "| repeats | customers | actual | predicted |" in metadata["backtest_chart"].value
    assert metadata["backtest_predicted_purchases"].value > 0
    traits = _materialisation(result, ["marts", "customer_traits"]).metadata
    assert traits["customers_rising"].value > 0


def test_traits_and_tiers_carry_the_forecast_and_rising_customers_say_so(s_run):
    settings, _ = s_run
    with duckdb.connect(str(settings.bi_db), read_only=True) as con:
        traits = con.sql("SELECT * FROM marts.customer_traits").pl()
        tiers = con.sql("SELECT customer_id, reasons, rising FROM marts.customer_tiers").pl()
    forecast = traits.select(*FORECAST_COLUMNS)
    assert forecast.select(pl.all().is_nan().any()).row(0) == (False, False, False)
    assert traits["p_alive"].drop_nulls().is_between(0, 1).all()
    assert all(low >= 0 for low in forecast.drop_nulls().min().row(0))
    # Null exactly for customers without a completed order up to D (recency_days is null for them).
    assert traits["p_alive"].is_null().equals(traits["recency_days"].is_null())
    assert traits.schema["rising"] == pl.Boolean and tiers["rising"].null_count() == 0
    said = tiers["reasons"].str.contains("+ rising: ", literal=True)
    assert tiers["rising"].any() and said.equals(tiers["rising"])


def test_rising_needs_both_the_ratio_and_the_minimum():
    rule = RisingRule(expected_value_ratio=2.0, min_expected_value=1000)
    frame = pl.DataFrame(
        {
            "revenue_12m": [100.0, 100.0, 5000.0, 0.0, 100.0],
            "expected_value_12m": [2000.0, 500.0, 9000.0, 1000.0, None],
        }
    )
    assert frame.with_columns(r=rising_flag(rule))["r"].to_list() == [True, False, False, True, False]
    assert frame.with_columns(r=rising_flag(None))["r"].to_list() == [False] * 5


def test_forecast_traits_can_be_scored_and_nulls_are_skipped():
    policy = Policy.model_validate(
        {
            "version": "test",
            "traits": {
                "p_alive": {"direction": "higher_is_better", "poor": 0.2, "ideal": 0.9, "weight": 1}
                | {"good": "likely still buying", "bad": "probably gone"},
                "revenue_12m": {"direction": "higher_is_better", "poor": 0, "ideal": 1000, "weight": 1}
                | {"good": "buys a lot", "bad": "buys little"},
            },
            "rising": {"expected_value_ratio": 2.0, "min_expected_value": 100},
        }
    )
    traits = pl.DataFrame(
        {
            "customer_id": ["a", "b"],
            "revenue_12m": [500.0, 500.0],
            "p_alive": [0.9, None],
            "expected_value_12m": [4000.0, None],
            "rising": [True, False],
            "recency_days": [20.0, 20.0],
        }
    )
    people = pl.DataFrame({"customer_id": ["a", "b"]}).with_columns(
        industry=pl.lit(None, pl.String), employees=pl.lit(None, pl.Int32), region=pl.lit(None, pl.String)
    )
    scored = {
        r["customer_id"]: r
        for r in score_customers(traits.lazy(), people.lazy(), policy).collect().to_dicts()
    }
    assert scored["a"]["score"] == 75.0 and scored["b"]["score"] == 50.0  # b: revenue alone, p_alive skipped
    assert scored["a"]["reasons"].startswith(
        "+ rising: 4,000 USD expected in the next 12 months vs 500 USD in the last 12 months; "
    )
    assert (
        "rising" not in scored["b"]["reasons"]
        and "90% chance of still being active" in scored["a"]["reasons"]
    )


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"expected_value_ratio": 1.0}, "rising.expected_value_ratio: Input should be greater than 1"),
        ({"expected_value_ratio": 2, "min_expected_value": -5}, "rising.min_expected_value: Input should be"),
        ({"ratio": 2}, "rising.ratio: Extra inputs are not permitted"),
    ],
)
def test_a_bad_rising_rule_names_the_field(tmp_path: Path, rule, expected):
    data = yaml.safe_load(DEFAULT_POLICY.read_text())
    data["rising"] = rule
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(PolicyError, match=expected):
        load_policy(path)


def test_the_shipped_policy_has_a_rising_rule():
    assert load_policy(DEFAULT_POLICY).rising == RisingRule(
        expected_value_ratio=2.0, min_expected_value=10_000
    )


def test_the_sample_is_seeded_and_bounded(monkeypatch):
    ids = pl.Series([f"c{i:05d}" for i in range(1000)])
    sample = sample_customers(ids.shuffle(seed=1), 100)
    assert sample.len() == 100 and sample.is_unique().all() and sample.is_in(ids.implode()).all()
    assert sample.equals(sample_customers(ids, 100))  # the same customers in any order: the same sample
    assert sample_customers(ids, 5000).len() == 1000
    assert Settings.from_env({"TIERS_CLV_SAMPLE": "250"}).clv_sample == 250
    with pytest.raises(SettingsError, match="TIERS_CLV_SAMPLE must be a whole number of customers above 0"):
        Settings.from_env({"TIERS_CLV_SAMPLE": "lots"})
