"""policy/retail.yaml loads and ranks a shop's consumers sensibly: orders only, as a shop exports them
(no invoices, tickets, categories, costs or discounts). D = 2025-06-30."""

import polars as pl
import pytest

from tiering.policy import load_policy
from tiering.scoring import score_customers
from tiering.settings import REPO_ROOT

RETAIL = REPO_ROOT / "policy" / "retail.yaml"


@pytest.fixture
def consumers(world):
    world.customer("heavy", signup=-400)
    for offset in range(-360, 1, 20):  # 19 orders of 40 USD, every 20 days, the last on D
        world.order("heavy", offset, 40.0)
    world.customer("regular", signup=-400)
    for offset in range(-350, 0, 90):  # 4 orders of 25 USD, every 90 days, the last 80 days ago
        world.order("regular", offset, 25.0)
    world.customer("lapsed", signup=-250).order("lapsed", -250, 30.0)  # one order, 250 days ago
    world.customer("zero", signup=-250).order("zero", -250, 0.0)  # the same week, 0 USD
    world.customer("new", signup=-10).order("new", -10, 60.0)  # one order, 10 days ago
    for order in world.rows["orders"]:  # a shop's export: net amounts only
        order |= dict.fromkeys(
            ("list_amount", "discount_amount", "cost_amount", "premium_net_amount", "service_net_amount")
        )
    return world


def test_the_retail_policy_loads_without_a_profile() -> None:
    policy = load_policy(RETAIL)
    assert policy.profile.industry is policy.profile.employees is policy.profile.region is None
    weights = {name: rule.weight for name, rule in policy.traits.items()}
    rhythm_and_value = {"recency_days", "purchase_frequency", "orders_12m", "revenue_12m", "growth_trend"}
    assert min(weights[trait] for trait in rhythm_and_value) >= 2
    assert max(weight for trait, weight in weights.items() if trait not in rhythm_and_value) <= 1
    assert policy.traits["revenue_12m"].ideal <= 1000  # consumer spend, not B2B accounts


def test_the_retail_policy_ranks_consumers(consumers) -> None:
    left_out = consumers.left_out()
    assert {"gross_margin", "tickets_per_order", "return_rate", "payment_delay_days"} <= set(left_out)
    traits = consumers.traits().with_columns(
        rising=pl.lit(False), expected_value_12m=pl.lit(None, pl.Float64)
    )
    people = consumers.frame("customers")
    scored = score_customers(traits.lazy(), people, load_policy(RETAIL)).collect()
    rows = {row["customer_id"]: row for row in scored.iter_rows(named=True)}
    tiers = {customer: row["tier"] for customer, row in rows.items()}
    assert tiers == {
        "heavy": "Ideal",
        "regular": "Acceptable",
        "new": "Acceptable",
        "lapsed": "Poor",
        "zero": "Poor",
    }
    assert rows["heavy"]["score"] > rows["regular"]["score"] > rows["lapsed"]["score"]
    # the lapsed buyer is above the 0 USD buyer of the same week by its 30 USD alone: revenue 4.3 points
    # (weight 3) against the 0 USD buyer's 0; its trend (-100%, 0 points) is a value the 0 USD buyer lacks
    assert rows["lapsed"]["score"] - rows["zero"]["score"] < 1.0
    for row in rows.values():
        assert not any(word in row["reasons"] for word in ("support", "margin", "returns", "full price"))
