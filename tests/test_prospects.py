"""Prospects (no completed order up to the as-of date): a fit score and a tier from the shipped B2B profile
alone (industry, employees 50-5,000, region; weights 1, 1, 0.5), an unknown value not met."""

import polars as pl
import pytest

from tiering.policy import load_policy
from tiering.scoring import score_customers
from tiering.settings import DEFAULT_POLICY

PROSPECTS = [
    # customer_id, industry, employees, region: met 2.5 of 2.5, 1.5 of 2.5, 0 of 2.5, 1 of 2.5 (two unknown)
    ("all", "software", 120, "North America"),
    ("some", "retail", 300, "Western Europe"),
    ("none", "retail", 12, "Asia Pacific"),
    ("unknown", "healthcare", None, None),
]


@pytest.fixture(scope="module")
def scored() -> dict[str, dict]:
    policy = load_policy(DEFAULT_POLICY)
    traits = pl.DataFrame(
        {"customer_id": [p[0] for p in PROSPECTS]}
    ).with_columns(  # no completed order: every order trait unknown, as compute_traits gives it
        **{trait: pl.lit(None, pl.Float64) for trait in [*policy.traits, "overdue_amount"]},
        rising=pl.lit(False),
        expected_value_12m=pl.lit(None, pl.Float64),
    )
    people = pl.DataFrame(
        PROSPECTS,
        schema={"customer_id": pl.String, "industry": pl.String, "employees": pl.Int32, "region": pl.String},
        orient="row",
    )
    out = score_customers(traits.lazy(), people.lazy(), policy).collect()
    return {row["customer_id"]: row for row in out.iter_rows(named=True)}


def test_a_prospect_meeting_all_some_and_none_of_the_profile_is_ideal_acceptable_and_poor(scored):
    assert {c: (r["segment"], r["tier"], r["action"]) for c, r in scored.items()} == {
        "all": ("prospect", "Ideal", "Proactive"),
        "some": ("prospect", "Acceptable", "Reactive"),
        "none": ("prospect", "Poor", "No-fly zone"),
        "unknown": ("prospect", "Acceptable", "Reactive"),
    }


def test_the_fit_score_is_the_weighted_share_of_criteria_met(scored):
    assert {c: r["fit_score"] for c, r in scored.items()} == {
        "all": 100.0,
        "some": 60.0,
        "none": 0.0,
        "unknown": 40.0,
    }
    assert all(r["score"] is None for r in scored.values())  # no traits to score: absent, not a number


def test_a_prospects_reasons_name_each_criterion_and_say_what_is_unknown(scored):
    assert scored["unknown"]["reasons"] == (
        "+ target industry (healthcare); - employees unknown; - region unknown"
    )
    assert scored["some"]["reasons"] == (
        "- outside the target industries (retail); + target company size (300 employees); "
        "+ target region (Western Europe)"
    )
