"""Who gets a row, tenure, the output contract and as-of correctness of compute_traits."""

from datetime import time

import polars as pl

from tiering.traits import TRAIT_COLUMNS


def test_known_customers_and_tenure(world) -> None:
    world.customer("old", signup=-100).customer("new", signup=0).customer("future", signup=1)
    world.customer("unknown_signup", signup=None)
    world.order("stranger", -5)  # orders of a customer missing from customers get no row
    out = world.traits()
    assert out["customer_id"].to_list() == ["new", "old", "unknown_signup"]
    tenure = dict(zip(out["customer_id"], out["tenure_days"], strict=True))
    assert tenure == {"new": 0, "old": 100, "unknown_signup": None}


def test_one_day_old_customer(world) -> None:
    world.customer("new", signup=0).order("new", 0, 50.0)
    row = world.row("new")
    assert row["tenure_days"] == 0
    assert row["recency_days"] == 0
    assert row["purchase_frequency"] == 1.0  # 1 order day / months clamped up to 1


def test_output_columns_and_types(world) -> None:
    world.customer("idle").every_input()
    assert world.left_out() == {}
    out = world.traits().filter(pl.col("customer_id") == "idle")
    assert out.columns == ["customer_id", "as_of_date", *TRAIT_COLUMNS]
    integers = {"recency_days", "tenure_days", "orders_12m", "tickets_12m"}
    expected = {name: pl.Int64 if name in integers else pl.Float64 for name in TRAIT_COLUMNS}
    assert dict(out.schema) == {"customer_id": pl.String, "as_of_date": pl.Date, **expected}
    assert out.row(0, named=True) == {
        "customer_id": "idle",
        "as_of_date": out["as_of_date"][0],
        "revenue_12m": 0.0,
        "gross_margin": None,
        "discount_depth": None,
        "purchase_frequency": 0.0,
        "recency_days": None,
        "tenure_days": 1000,
        "growth_trend": None,
        "payment_delay_days": None,
        "on_time_rate": None,
        "overdue_amount": 0.0,
        "product_breadth": 0.0,  # 0 of the 2 categories anyone bought
        "premium_share": None,
        "service_share": None,
        "return_rate": None,
        "orders_12m": 0,
        "tickets_12m": 0,
        "tickets_per_order": 0.0,
        "complaint_share": None,
        "escalation_rate": None,
    }


def test_rows_dated_after_d_change_nothing(world) -> None:
    world.customer("a")
    world.order("a", -10, 100.0, cost=40.0, discount=10.0, premium=30.0).order("a", -200, 60.0)
    world.order("a", -30, status="returned").category("a", -10, "X").category("b", -10, "Y")
    world.invoice("i1", "a", due=-20, amount=100.0).payment("i1", -15, 100.0)
    world.invoice("i2", "a", due=-5, amount=50.0)
    world.ticket("a", -3, "complaint")
    before = world.traits()
    world.customer("later", signup=1).order("later", 2).ticket("later", 2)
    world.order("a", 1, 500.0).order("a", 3, status="returned").category("a", 1, "Z")
    world.invoice("i3", "a", due=-1, amount=70.0, issued=1).payment("i2", 1, 50.0)
    world.ticket("a", 1, escalated=True, at=time(0, 0))
    assert world.traits().equals(before)
    assert before.row(0, named=True)["overdue_amount"] == 50.0  # i2, whose payment comes after D


def test_engines_agree(world) -> None:
    world.customer("a").customer("b")
    world.order("a", -10, 100.0, cost=40.0).order("a", -200, 60.0).order("b", -3, status="returned")
    world.category("a", -10, "X").category("b", -10, "Y")
    world.invoice("i1", "a", due=-20, amount=100.0).payment("i1", -15, 60.0).payment("i1", -12, 40.0)
    world.invoice("i2", "b", due=-5, amount=50.0).payment("i2", -30, 10.0).ticket("b", -3, "complaint")
    assert world.traits(engine="streaming").equals(world.traits(engine="in-memory"))
