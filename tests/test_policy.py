"""The policy file: the shipped one is valid; a bad one gets a clear error naming each bad field."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from tiering.policy import PolicyError, load_policy
from tiering.settings import DEFAULT_POLICY
from tiering.traits import TRAIT_COLUMNS


@pytest.fixture
def policy_data() -> dict:
    return yaml.safe_load(DEFAULT_POLICY.read_text())


def _errors_for(tmp_path: Path, data) -> str:
    path = tmp_path / "policy.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    return str(raised.value)


def test_shipped_policy_is_valid_and_scores_only_known_traits():
    policy = load_policy(DEFAULT_POLICY)
    assert policy.tiers.ideal == 70 and policy.tiers.acceptable == 40
    assert (policy.action("Ideal"), policy.action("Acceptable"), policy.action("Poor")) == (
        "Proactive",
        "Reactive",
        "No-fly zone",
    )
    assert set(policy.traits) <= set(TRAIT_COLUMNS)
    assert policy.goals.ideal_customers == 400 and policy.goals.by == date(2027, 3, 31)


def test_every_table_keyed_by_tier_names_the_tiers_of_policy_tiers():
    """The tier names are defined once (tiering.policy.TIERS); what is said or drawn per tier covers each."""
    from tiering.dashboard.charts import COLORS, INK
    from tiering.dashboard.page import MORE_IS
    from tiering.outputs import TIER_FIT, TIER_ORDER_SQL, TIER_TODO
    from tiering.policy import TIERS, Actions

    for per_tier in (Actions.model_fields, TIER_FIT, TIER_TODO, COLORS, INK, MORE_IS):
        assert tuple(per_tier) == TIERS
    assert TIER_ORDER_SQL == "CASE tier WHEN 'Ideal' THEN 1 WHEN 'Acceptable' THEN 2 WHEN 'Poor' THEN 3 END"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["traits"]["revenue_12m"].update(weight=0),
            "traits.revenue_12m.weight: Input should be greater than 0",
        ),
        (
            lambda d: d["traits"]["discount_depth"].update(direction="higher_is_better"),
            "traits.discount_depth: Value error, direction is higher_is_better but ideal=0.02 and poor=0.25",
        ),
        (
            lambda d: d["traits"]["gross_margin"].update(ideal=0.1),
            "traits.gross_margin: Value error, 'ideal' and 'poor'",
        ),
        (
            lambda d: d["traits"]["gross_margin"].pop("direction"),
            "traits.gross_margin.direction: Field required",
        ),
        (lambda d: d["traits"].update(shoe_size=d["traits"]["tenure_days"]), "traits.shoe_size"),
        (
            lambda d: d["tiers"].update(acceptable=75),
            "tiers: Value error, acceptable (75.0) must be below ideal (70.0)",
        ),
        (lambda d: d["tiers"].update(ideal=120), "tiers.ideal: Input should be less than or equal to 100"),
        (
            lambda d: d["knockouts"][0].update(trait="nope"),
            "knockouts.0.trait: 'nope' is neither a built-in trait",
        ),
        (
            lambda d: d["knockouts"][0].update(below=3),
            "knockouts.0: Value error, give exactly one of 'above' or 'below'",
        ),
        (lambda d: d["knockouts"][1].update(max_tier="Ideal"), "knockouts.1.max_tier"),
        (
            lambda d: d["profile"]["employees"].update(min=10_000),
            "profile.employees: Value error, min 10000.0 is above",
        ),
        (lambda d: d.update(base_currency="dollars"), "base_currency: String should match pattern"),
        (lambda d: d.update(tiers_typo={}), "tiers_typo: Extra inputs are not permitted"),
        (
            lambda d: d["goals"].update(ideal_customers=0),
            "goals.ideal_customers: Input should be greater than 0",
        ),
        (
            lambda d: d["goals"].update(ideal_customers="500"),
            "goals.ideal_customers: Input should be a valid integer",
        ),
        (lambda d: d["goals"].update(by="2027-02-30"), "goals.by: Input should be a valid date"),
        (lambda d: d["goals"].pop("by"), "goals.by: Field required"),
        (lambda d: d["goals"].update(ideal=5), "goals.ideal: Extra inputs are not permitted"),
    ],
)
def test_bad_policy_names_the_field(tmp_path, policy_data, edit, expected):
    edit(policy_data)
    message = _errors_for(tmp_path, policy_data)
    assert message.startswith(f"policy file {tmp_path / 'policy.yaml'} is invalid:")
    assert expected in message


def test_every_problem_is_listed_at_once(tmp_path, policy_data):
    policy_data["traits"]["revenue_12m"]["weight"] = -1
    policy_data["tiers"]["ideal"] = "high"
    message = _errors_for(tmp_path, policy_data)
    assert "traits.revenue_12m.weight" in message and "tiers.ideal" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("traits: [unclosed", "is not valid YAML"),
        ("- just\n- a list\n", "must hold a mapping of settings, not list"),
    ],
)
def test_unreadable_policy(tmp_path, text, expected):
    assert expected in _errors_for(tmp_path, text)


def test_missing_policy_file(tmp_path):
    with pytest.raises(PolicyError, match="does not exist"):
        load_policy(tmp_path / "absent.yaml")


def test_a_key_given_twice_is_refused_naming_it(tmp_path):
    """YAML keeps the last of two equal keys: a second `tiers:` block would silently replace the first."""
    text = DEFAULT_POLICY.read_text() + "\ntiers:\n  ideal: 50\n  acceptable: 20\n"
    first = 1 + next(n for n, line in enumerate(text.splitlines()) if line.startswith("tiers:"))
    last = len(text.splitlines()) - 2
    assert _errors_for(tmp_path, text) == (
        f"policy file {tmp_path / 'policy.yaml'}: key 'tiers' is given twice, on lines {first} and {last}: keep one"
    )
    nested = "version: '1'\ntraits:\n  revenue_12m:\n    weight: 1\n    weight: 2\n"
    assert "key 'weight' is given twice, on lines 4 and 5" in _errors_for(tmp_path, nested)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda d, v: d["traits"]["revenue_12m"].update(weight=v), "traits.revenue_12m.weight"),
        (lambda d, v: d["traits"]["revenue_12m"].update(ideal=v), "traits.revenue_12m.ideal"),
        (lambda d, v: d["knockouts"][0].update(above=v), "knockouts.0.above"),
        (lambda d, v: d["tiers"].update(hysteresis=v), "tiers.hysteresis"),
    ],
)
def test_a_number_that_is_not_finite_is_refused_naming_the_field(tmp_path, policy_data, edit, field, value):
    edit(policy_data, value)
    message = _errors_for(tmp_path, policy_data)
    assert f"  - {field}: Input should be a finite number" in message, message


def test_a_policy_path_that_is_a_folder_or_not_utf8_is_one_line(tmp_path):
    with pytest.raises(PolicyError) as raised:
        load_policy(tmp_path)
    assert str(raised.value) == f"policy file {tmp_path} is a folder, not a file"
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("version: 'Größe'\n".encode("latin-1"))
    with pytest.raises(PolicyError) as raised:
        load_policy(latin1)
    assert str(raised.value) == f"policy file {latin1} is not UTF-8 text (byte 12 cannot be read)"
