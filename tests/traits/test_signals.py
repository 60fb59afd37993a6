"""Signal traits: the policy's aggregate of one signal's values dated in the window ending on D, on hand-computed
data; null without a value in the window."""

from datetime import date

import polars as pl
import pytest

from tiering.policy import PolicyError, SignalTrait, load_policy
from tiering.settings import DEFAULT_POLICY
from tiering.traits.signals import signal_traits

AS_OF = date(2026, 6, 30)
SIGNALS = pl.DataFrame(
    [
        # customer, signal, date, value
        ("a", "nps", date(2026, 6, 30), 9.0),  # the latest in a 30-day window
        ("a", "nps", date(2026, 6, 1), 3.0),  # the first day of the 30-day window: in it
        ("a", "nps", date(2026, 5, 31), 0.0),  # the day before: out
        ("a", "referral", date(2026, 6, 10), 1.0),
        ("a", "referral", date(2026, 6, 20), 2.0),
        ("b", "nps", date(2026, 4, 1), 6.0),  # outside a 30-day window, inside a 365-day one
        ("b", "NPS", date(2026, 7, 1), 10.0),  # after D: not yet
    ],
    schema=["customer_id", "signal", "signal_date", "value"],
    orient="row",
)


def _traits(rules: dict[str, SignalTrait]) -> dict[str, dict]:
    customers = pl.DataFrame({"customer_id": ["a", "b", "c"]}).lazy()
    out = signal_traits(customers, SIGNALS.lazy(), rules, AS_OF).collect()
    return {row.pop("customer_id"): row for row in out.iter_rows(named=True)}


def test_each_aggregate_over_its_window():
    def rule(aggregate: str, signal: str = "nps", days: int = 30) -> SignalTrait:
        return SignalTrait(signal=signal, aggregate=aggregate, window_days=days)

    traits = _traits(
        {
            "nps_latest": rule("latest"),
            "nps_mean": rule("mean"),
            "nps_min": rule("min"),
            "nps_max": rule("max"),
            "nps_year": rule("latest", days=365),
            "referrals": rule("sum", "referral", 365),
            "referral_count": rule("count", "referral", 365),
        }
    )
    assert traits["a"] == {
        "nps_latest": 9.0,
        "nps_mean": 6.0,
        "nps_min": 3.0,
        "nps_max": 9.0,
        "nps_year": 9.0,
        "referrals": 3.0,
        "referral_count": 2.0,
    }
    assert traits["b"]["nps_latest"] is None and traits["b"]["nps_year"] == 6.0
    assert traits["b"]["referral_count"] is None  # no signal in the window: null, not 0
    assert all(value is None for value in traits["c"].values())


def _policy_file(tmp_path, extra: str) -> str:
    path = tmp_path / "policy.yaml"
    path.write_text(DEFAULT_POLICY.read_text() + extra)
    return path


def test_a_rule_for_a_trait_neither_built_in_nor_declared_is_a_policy_error(tmp_path):
    extra = "  nps_latest:\n    direction: higher_is_better\n    poor: 0\n    ideal: 10\n    weight: 1\n    good: promoter\n    bad: detractor\n"
    text = DEFAULT_POLICY.read_text().replace("\ntraits:\n", "\ntraits:\n" + extra)
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    with pytest.raises(PolicyError, match=r"traits\.nps_latest: neither a built-in trait"):
        load_policy(path)
    path.write_text(text + "\nsignals:\n  nps_latest: {signal: nps, aggregate: latest, window_days: 365}\n")
    assert load_policy(path).signals["nps_latest"].aggregate == "latest"


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            "  revenue_12m: {signal: nps, aggregate: latest, window_days: 30}",
            r"signals\.revenue_12m: a column",
        ),
        ("  tier: {signal: nps, aggregate: latest, window_days: 30}", r"signals\.tier: a column"),
        ("  nps: {signal: nps, aggregate: median, window_days: 30}", r"signals\.nps\.aggregate"),
        ("  nps: {signal: nps, aggregate: sum, window_days: 0}", r"signals\.nps\.window_days"),
        ("  NPS score: {signal: nps, aggregate: sum, window_days: 9}", r"signals\.NPS score"),
    ],
)
def test_bad_signal_declarations_name_the_field(tmp_path, section, message):
    with pytest.raises(PolicyError, match=message):
        load_policy(_policy_file(tmp_path, f"\nsignals:\n{section}\n"))
