"""The policy's alerts: section (its defaults, its errors naming the field) and the rules it sets."""

import pytest
import yaml

from tiering.alerts.rules import rules_met
from tiering.policy import AlertRules, PolicyError, load_policy
from tiering.settings import DEFAULT_POLICY


def _policy_with(tmp_path, alerts) -> object:
    data = yaml.safe_load(DEFAULT_POLICY.read_text())
    data.pop("alerts", None)
    if alerts is not None:
        data["alerts"] = alerts
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_policy(path)


def test_without_the_section_the_defaults_apply(tmp_path):
    rules = _policy_with(tmp_path, None).alerts
    assert rules == AlertRules(down_from=["Ideal"], into=["Ideal"], newly_rising=True)


def test_the_shipped_policy_states_the_defaults():
    assert load_policy(DEFAULT_POLICY).alerts == AlertRules()


@pytest.mark.parametrize(
    ("alerts", "problem"),
    [
        ({"down_from": ["Best"]}, "alerts.down_from.0: Input should be 'Ideal', 'Acceptable' or 'Poor'"),
        ({"into": "Ideal"}, "alerts.into: Input should be a valid list"),
        ({"newly_rising": "often"}, "alerts.newly_rising: Input should be a valid boolean"),
        ({"on_drop": True}, "alerts.on_drop: Extra inputs are not permitted"),
        ({"down_from": ["Poor"]}, "nothing moves down from Poor, the lowest tier"),
    ],
)
def test_a_bad_section_is_refused_naming_the_field(tmp_path, alerts, problem):
    with pytest.raises(PolicyError) as refused:
        _policy_with(tmp_path, alerts)
    assert problem in str(refused.value)


def test_the_rules_met_by_a_move():
    rules = AlertRules()
    assert rules_met("Ideal", "Poor", False, rules) == ("down from Ideal",)
    assert rules_met("Ideal", "Acceptable", True, rules) == ("down from Ideal", "newly rising")
    assert rules_met("Acceptable", "Ideal", False, rules) == ("into Ideal",)
    assert rules_met(None, "Ideal", False, rules) == ("into Ideal (new customer)",)
    assert rules_met("Acceptable", "Poor", False, rules) == ()  # not from Ideal: no alert by default
    assert rules_met("Poor", "Acceptable", True, rules) == ("newly rising",)
    assert rules_met("Ideal", "Ideal", False, rules) == ()


def test_a_policy_can_alert_on_other_moves_and_not_on_rising():
    rules = AlertRules(down_from=["Ideal", "Acceptable"], into=["Ideal", "Acceptable"], newly_rising=False)
    assert rules_met("Acceptable", "Poor", True, rules) == ("down from Acceptable",)
    assert rules_met("Poor", "Acceptable", True, rules) == ("into Acceptable",)
    assert rules_met("Acceptable", "Acceptable", True, rules) == ()
