"""Scoring: points, weights renormalised over present values, profile items, cut-offs, knock-outs, reasons."""

import polars as pl
import pytest

from tiering.policy import Policy
from tiering.scoring import score_customers


def _policy(**overrides) -> Policy:
    data = {
        "version": "test",
        "traits": {
            "payment_delay_days": {
                "direction": "lower_is_better",
                "poor": 30,
                "ideal": 0,
                "weight": 3,
                "good": "pays on time",
                "bad": "pays late",
            },
            "gross_margin": {
                "direction": "higher_is_better",
                "poor": 0.1,
                "ideal": 0.5,
                "weight": 1,
                "good": "high margin",
                "bad": "low margin",
            },
        },
        "knockouts": [
            {"name": "large overdue balance", "trait": "overdue_amount", "above": 1000, "max_tier": "Poor"}
        ],
    }
    data.update(overrides)
    return Policy.model_validate(data)


def _bought(traits: pl.DataFrame) -> pl.LazyFrame:
    """Traits of customers who have bought (a prospect is scored by its fit alone, see test_prospects.py)."""
    return traits.with_columns(recency_days=pl.lit(10.0)).lazy()


def _score(rows: list[dict], policy: Policy, customers: list[dict] | None = None) -> dict[str, dict]:
    traits = pl.DataFrame(
        rows,
        schema={
            "customer_id": pl.String,
            "payment_delay_days": pl.Float64,
            "gross_margin": pl.Float64,
            "overdue_amount": pl.Float64,
        },
    )
    people = pl.DataFrame(
        customers or [{"customer_id": r["customer_id"]} for r in rows],
        schema={"customer_id": pl.String, "industry": pl.String, "employees": pl.Int32, "region": pl.String},
    )
    out = score_customers(_bought(traits), people.lazy(), policy).collect()
    return {r["customer_id"]: r for r in out.iter_rows(named=True)}


def test_points_are_linear_clamped_and_weighted():
    scored = _score(
        [
            # delay 15 -> 50 points (w 3), margin 0.3 -> 50 points (w 1): score 50
            {"customer_id": "a", "payment_delay_days": 15.0, "gross_margin": 0.3, "overdue_amount": 0.0},
            # delay 0 -> 100 (w 3), margin 0.9 -> clamped 100: score 100
            {"customer_id": "b", "payment_delay_days": 0.0, "gross_margin": 0.9, "overdue_amount": 0.0},
            # delay 60 -> clamped 0 (w 3), margin 0.2 -> 25 (w 1): (0*3 + 25*1) / 4 = 6.25, shown to one decimal
            {"customer_id": "c", "payment_delay_days": 60.0, "gross_margin": 0.2, "overdue_amount": 0.0},
        ],
        _policy(),
    )
    assert scored["a"]["score"] == 50.0 and scored["a"]["tier"] == "Acceptable"
    assert (
        scored["b"]["score"] == 100.0
        and scored["b"]["tier"] == "Ideal"
        and scored["b"]["action"] == "Proactive"
    )
    assert scored["c"]["score"] == pytest.approx(6.25, abs=0.05) and scored["c"]["action"] == "No-fly zone"


def test_missing_values_are_skipped_and_weights_renormalised():
    # no margin: the score is the delay's points alone, 24 days late -> (30-24)/30*100 = 20
    scored = _score(
        [{"customer_id": "a", "payment_delay_days": 24.0, "gross_margin": None, "overdue_amount": 0}],
        _policy(),
    )
    assert scored["a"]["score"] == 20.0
    assert scored["a"]["tier"] == "Poor"


def test_reasons_never_cite_a_null_trait():
    # no margin and no overdue balance (their inputs absent): only the delay is scored, cited and knocked out
    scored = _score(
        [
            {"customer_id": "a", "payment_delay_days": 30.0, "gross_margin": None, "overdue_amount": None},
            {"customer_id": "b", "payment_delay_days": None, "gross_margin": None, "overdue_amount": None},
        ],
        _policy(),
    )
    assert scored["a"]["reasons"] == "- pays late: 30.0 days late on average"
    assert scored["a"]["knockouts"] == "" and scored["a"]["score"] == 0.0
    assert scored["b"]["reasons"] == "" and scored["b"]["score"] is None and scored["b"]["tier"] == "Poor"


def test_cut_offs_are_inclusive():
    # delay 9 -> 70 points exactly; delay 18 -> 40 points exactly; margin absent
    scored = _score(
        [
            {"customer_id": "at70", "payment_delay_days": 9.0, "gross_margin": None, "overdue_amount": 0},
            {"customer_id": "at40", "payment_delay_days": 18.0, "gross_margin": None, "overdue_amount": 0},
        ],
        _policy(),
    )
    assert scored["at70"]["tier"] == "Ideal"
    assert scored["at40"]["tier"] == "Acceptable"


def test_knockout_caps_the_tier_and_leads_the_reasons():
    scored = _score(
        [{"customer_id": "a", "payment_delay_days": 0.0, "gross_margin": 0.5, "overdue_amount": 5000.0}],
        _policy(),
    )
    row = scored["a"]
    assert row["score"] == 100.0 and row["tier"] == "Poor" and row["action"] == "No-fly zone"
    assert (
        row["knockouts"] == "knock-out (large overdue balance): 5,000 USD overdue, above the limit of 1,000"
    )
    assert row["reasons"].startswith(row["knockouts"] + "; ")


def test_reasons_name_the_strongest_items_first_in_words():
    scored = _score(
        [{"customer_id": "a", "payment_delay_days": 30.0, "gross_margin": 0.5, "overdue_amount": 0}],
        _policy(),
    )
    # delay: 0 points, impact (0-50)*3/4 = -37.5; margin: 100 points, impact (100-50)*1/4 = +12.5
    assert scored["a"]["reasons"] == (
        "- pays late: 30.0 days late on average; + high margin: 50% gross margin"
    )


def test_reasons_of_equal_strength_keep_the_policy_order_and_stop_at_three():
    names = ("gross_margin", "on_time_rate", "premium_share", "service_share")
    rule = {"direction": "higher_is_better", "poor": 0, "ideal": 1, "weight": 1}
    policy = _policy(traits={n: rule | {"good": f"good {n}", "bad": f"bad {n}"} for n in names}, knockouts=[])
    traits = pl.DataFrame(
        {"customer_id": ["tied", "last strongest"]}
        | {n: [1.0, 0.0 if n == names[-1] else 0.9] for n in names}
    )
    people = pl.DataFrame({"customer_id": ["tied", "last strongest"]})
    out = score_customers(_bought(traits), people.lazy(), policy).collect()
    named = {
        c: [r.split(":")[0] for r in reasons.split("; ")]
        for c, reasons in out.select("customer_id", "reasons").rows()
    }
    # every item 100 points: equal strengths, named in the policy's order; service_share 0 points: the strongest
    assert named["tied"] == ["+ good gross_margin", "+ good on_time_rate", "+ good premium_share"]
    assert named["last strongest"] == ["- bad service_share", "+ good gross_margin", "+ good on_time_rate"]


def test_profile_criteria_are_scored_items():
    policy = _policy(
        profile={
            "industry": {"weight": 1, "in": ["Software"]},
            "employees": {"weight": 1, "min": 50, "max": 500},
            "region": {"weight": 1, "in": ["Western Europe"]},
        }
    )
    rows = [
        {"customer_id": c, "payment_delay_days": 0.0, "gross_margin": 0.5, "overdue_amount": 0} for c in "ab"
    ]
    customers = [
        {"customer_id": "a", "industry": " software ", "employees": 100, "region": "Western Europe"},
        {"customer_id": "b", "industry": "retail", "employees": 10, "region": None},
    ]
    scored = _score(rows, policy, customers)
    # a: every item 100 -> 100. b: traits 100*4, industry 0, employees 0, region unknown (skipped): 400/6 = 66.7
    assert scored["a"]["score"] == 100.0
    assert scored["b"]["score"] == pytest.approx(66.7)
    assert scored["b"]["tier"] == "Acceptable"
    assert "- outside the target industries (retail)" in scored["b"]["reasons"]


def test_a_customer_tier_does_not_depend_on_other_customers():
    row = {"customer_id": "a", "payment_delay_days": 12.0, "gross_margin": 0.3, "overdue_amount": 0.0}
    others = [
        {"customer_id": f"x{i}", "payment_delay_days": 0.0, "gross_margin": 0.9, "overdue_amount": 0.0}
        for i in range(5)
    ]
    alone = _score([row], _policy())["a"]
    crowded = _score([row, *others], _policy())["a"]
    assert (alone["score"], alone["tier"]) == (crowded["score"], crowded["tier"])


def _with_hysteresis(margin: float) -> Policy:
    return _policy(tiers={"ideal": 70, "acceptable": 40, "hysteresis": margin})


def _tier_after(score_delay: float, previous: str | None, policy: Policy) -> str:
    traits = pl.DataFrame(
        {
            "customer_id": ["a"],
            "payment_delay_days": [score_delay],
            "gross_margin": [None],
            "overdue_amount": [0.0],
        },
        schema_overrides={"gross_margin": pl.Float64},
    )
    people = pl.DataFrame({"customer_id": ["a"]})
    prev = pl.DataFrame(
        {"customer_id": ["a"], "previous_tier": [previous]}, schema_overrides={"previous_tier": pl.String}
    )
    return score_customers(_bought(traits), people.lazy(), policy, prev.lazy()).collect()["tier"].item()


def _delay_for(score: float) -> float:
    # delay d scores (30 - d) / 30 * 100 with margin absent, so d = 30 - 0.3 * score
    return 30 - 0.3 * score


@pytest.mark.parametrize(
    ("score", "previous", "expected"),
    [
        (68.0, "Ideal", "Ideal"),  # within 3 points below the 70 cut-off: keeps Ideal
        (66.5, "Ideal", "Acceptable"),  # below 67: moves down
        (72.0, "Acceptable", "Acceptable"),  # above 70 but not by 3: stays
        (73.0, "Acceptable", "Ideal"),
        (38.0, "Acceptable", "Acceptable"),  # above 37: keeps Acceptable
        (36.5, "Acceptable", "Poor"),
        (42.0, "Poor", "Poor"),
        (43.5, "Poor", "Acceptable"),
        (73.5, "Poor", "Ideal"),
        (70.0, None, "Ideal"),  # new customer: plain cut-offs
    ],
)
def test_hysteresis_keeps_the_previous_tier_near_a_cut_off(score, previous, expected):
    assert _tier_after(_delay_for(score), previous, _with_hysteresis(3)) == expected


def test_hysteresis_stops_a_borderline_customer_flipping_night_to_night():
    nightly_scores = [71.0, 69.0, 70.5, 68.0, 69.5, 66.0]

    def tiers_over_nights(policy: Policy) -> list[str]:
        tiers, previous = [], None
        for score in nightly_scores:
            previous = _tier_after(_delay_for(score), previous, policy)
            tiers.append(previous)
        return tiers

    assert tiers_over_nights(_with_hysteresis(0)) == [
        "Ideal",
        "Acceptable",
        "Ideal",
        "Acceptable",
        "Acceptable",
        "Acceptable",
    ]
    assert tiers_over_nights(_with_hysteresis(3)) == [
        "Ideal",
        "Ideal",
        "Ideal",
        "Ideal",
        "Ideal",
        "Acceptable",
    ]


def _changes(now: list[dict], before: list[dict]) -> dict[str, dict]:
    schema = {
        "customer_id": pl.String,
        "payment_delay_days": pl.Float64,
        "gross_margin": pl.Float64,
        "overdue_amount": pl.Float64,
        "rising": pl.Boolean,
    }
    people = pl.DataFrame({"customer_id": [r["customer_id"] for r in now]})
    out = score_customers(
        _bought(pl.DataFrame(now, schema=schema)),
        people.lazy(),
        _policy(),
        before=pl.DataFrame(before, schema=schema).lazy(),
    ).collect()
    return {r["customer_id"]: r for r in out.iter_rows(named=True)}


def test_changes_name_the_items_whose_part_of_the_score_moved_most_with_the_value_then():
    now = [
        # delay 3 -> 27 days: 90 -> 10 points, weight 3 of 4: -60 score points; margin 0.3 -> 0.5: 50 -> 100
        # points, weight 1 of 4: +12.5
        {
            "customer_id": "a",
            "payment_delay_days": 27.0,
            "gross_margin": 0.5,
            "overdue_amount": 0.0,
            "rising": False,
        },
        # margin 0.30 -> 0.308: 50 -> 52 points, +0.5 score points: named; delay 0 -> 0.1: -0.25, not named
        {
            "customer_id": "b",
            "payment_delay_days": 0.1,
            "gross_margin": 0.308,
            "overdue_amount": 0.0,
            "rising": True,
        },
        # unchanged, and rising as before
        {
            "customer_id": "c",
            "payment_delay_days": 5.0,
            "gross_margin": 0.3,
            "overdue_amount": 0.0,
            "rising": True,
        },
        # new since the previous date
        {
            "customer_id": "d",
            "payment_delay_days": 5.0,
            "gross_margin": 0.3,
            "overdue_amount": 0.0,
            "rising": True,
        },
    ]
    before = [
        {
            "customer_id": "a",
            "payment_delay_days": 3.0,
            "gross_margin": 0.3,
            "overdue_amount": 0.0,
            "rising": False,
        },
        {
            "customer_id": "b",
            "payment_delay_days": 0.0,
            "gross_margin": 0.3,
            "overdue_amount": 0.0,
            "rising": False,
        },
        {
            "customer_id": "c",
            "payment_delay_days": 5.0,
            "gross_margin": 0.3,
            "overdue_amount": 0.0,
            "rising": True,
        },
    ]
    scored = _changes(now, before)
    assert scored["a"]["changes"] == (
        "- 27.0 days late on average (was 3.0 days late on average); + 50% gross margin (was 30% gross margin)"
    )
    assert scored["b"]["changes"] == "+ 31% gross margin (was 30% gross margin)"
    assert scored["c"]["changes"] == ""
    assert scored["d"]["changes"] is None
    assert {c: scored[c]["newly_rising"] for c in "abcd"} == {"a": False, "b": True, "c": False, "d": True}


def test_without_the_previous_traits_changes_and_newly_rising_are_unknown():
    scored = _score(
        [{"customer_id": "a", "payment_delay_days": 3.0, "gross_margin": 0.3, "overdue_amount": 0}], _policy()
    )
    assert scored["a"]["changes"] is None and scored["a"]["newly_rising"] is None


@pytest.mark.parametrize(
    ("score", "previous", "held"),
    [
        (68.0, "Ideal", True),  # the cut-off alone says Acceptable: the margin keeps Ideal
        (68.0, "Acceptable", False),  # Acceptable by the cut-off too
        (72.0, "Acceptable", True),  # the cut-off alone says Ideal: the margin keeps Acceptable
        (74.0, "Acceptable", False),  # crossed by the margin: Ideal
        (68.0, None, False),  # no previous tier: the plain cut-off
    ],
)
def test_tier_held_says_when_the_hysteresis_margin_kept_the_previous_tier(score, previous, held):
    traits = pl.DataFrame(
        {
            "customer_id": ["a"],
            "payment_delay_days": [_delay_for(score)],
            "gross_margin": [None],
            "overdue_amount": [0.0],
        },
        schema_overrides={"gross_margin": pl.Float64},
    )
    prev = pl.DataFrame(
        {"customer_id": ["a"], "previous_tier": [previous]}, schema_overrides={"previous_tier": pl.String}
    )
    out = score_customers(
        _bought(traits), pl.DataFrame({"customer_id": ["a"]}).lazy(), _with_hysteresis(3), prev.lazy()
    )
    assert out.collect()["tier_held"].item() is held


def test_without_words_the_scores_and_tiers_are_the_same_and_no_words_are_made():
    traits = pl.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "payment_delay_days": [0.0, 15.0, 60.0, None],
            "gross_margin": [0.5, 0.3, None, None],
            "overdue_amount": [0.0, 5000.0, 0.0, None],
            "recency_days": [10.0, 10.0, 10.0, None],  # d: a prospect
            "rising": [False, True, False, False],
            "expected_value_12m": [0.0, 9000.0, 0.0, None],
            "revenue_12m": [5000.0, 3000.0, 0.0, 0.0],
        }
    )
    people = pl.DataFrame(
        {"customer_id": ["a", "b", "c", "d"], "industry": ["software", None, "retail", None]}
    )
    policy = _policy(
        profile={"industry": {"weight": 1, "in": ["software"]}},
        rising={"expected_value_ratio": 2.0, "min_expected_value": 1000, "reason": "rising"},
    )
    previous = pl.DataFrame({"customer_id": ["a", "b"], "previous_tier": ["Ideal", "Poor"]}).lazy()
    said = score_customers(traits.lazy(), people.lazy(), policy, previous, traits.lazy()).collect()
    unsaid = score_customers(
        traits.lazy(), people.lazy(), policy, previous, traits.lazy(), words=False
    ).collect()

    assert unsaid.columns == said.columns
    kept = ["customer_id", "segment", "score", "fit_score", "tier", "action", "tier_held"]
    assert unsaid.select(kept).sort("customer_id").equals(said.select(kept).sort("customer_id"))
    assert said["reasons"].null_count() == 0
    for column in ("reasons", "knockouts", "changes", "newly_rising"):
        assert unsaid[column].null_count() == unsaid.height
