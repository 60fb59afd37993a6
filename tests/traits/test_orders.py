"""Order traits on tiny hand-computed data; D = 2025-06-30, day(-364) is the first day of the window."""

import pytest


def test_revenue_12m_sums_completed_orders_inside_the_window(world) -> None:
    world.customer("a")
    world.order("a", 0, 100.0)  # on D: in
    world.order("a", -364, 50.0)  # first day of the window: in
    world.order("a", -365, 7.0)  # the day before the window: out
    world.order("a", 1, 9.0)  # after D: ignored
    world.order("a", -5, 1000.0, "cancelled")
    world.order("a", -6, 500.0, "returned")
    assert world.trait("a", "revenue_12m") == 150.0  # 100 + 50


def test_customers_without_completed_orders_get_neutral_order_traits(world) -> None:
    world.customer("none").customer("cancelled").customer("later")
    world.order("cancelled", -3, 80.0, "cancelled", cost=20.0, discount=5.0)
    world.order("later", 3, 80.0)  # only after D
    for customer_id in ("none", "cancelled", "later"):
        row = world.row(customer_id)
        assert row["revenue_12m"] == 0.0
        assert row["purchase_frequency"] == 0.0
        assert row["orders_12m"] == 0
        for name in (
            "gross_margin",
            "discount_depth",
            "recency_days",
            "growth_trend",
            "premium_share",
            "service_share",
            "return_rate",
            "product_breadth",  # no category bought by anyone: global count 0
        ):
            assert row[name] is None, (customer_id, name)


def test_gross_margin(world) -> None:
    world.customer("a")
    world.order("a", -10, 200.0, cost=120.0)
    world.order("a", -20, 100.0, cost=30.0)
    world.order("a", -30, 50.0, "cancelled", cost=0.0)  # not completed: out
    world.order("a", -365, 100.0, cost=100.0)  # before the window: out
    assert world.trait("a", "gross_margin") == pytest.approx(0.5)  # (300 - 150) / 300


def test_discount_depth_and_orders_without_lines(world) -> None:
    world.customer("a").customer("no_lines")
    world.order("a", -10, 90.0, discount=10.0)  # list 100
    world.order("a", -20, 150.0, discount=50.0)  # list 200
    world.order("a", -30, 10.0, "returned", discount=90.0)  # not completed: out
    world.order("no_lines", -5, 0.0, lines=0)  # amounts 0, list 0
    assert world.trait("a", "discount_depth") == pytest.approx(0.2)  # (10 + 50) / (100 + 200)
    row = world.row("no_lines")
    assert row["discount_depth"] is None
    assert row["gross_margin"] is None  # revenue_12m is 0
    assert row["orders_12m"] == 1


def test_purchase_frequency(world) -> None:
    world.customer("old").customer("recent").customer("cancelled_first").customer("new", signup=0)
    # first completed order 500 days ago: months observed 501 / 30.4375 = 16.5 -> clamped to 12
    world.order("old", -500)
    world.order("old", -10).order("old", -10).order("old", -100)  # 2 distinct days in the window
    world.order("old", -20, status="cancelled").order("old", -30, status="returned")
    # first completed order 60 days ago: months observed (60 + 1) / 30.4375
    world.order("recent", -60).order("recent", -30)
    # the first order was cancelled: months observed count from the completed one, (30 + 1) / 30.4375
    world.order("cancelled_first", -300, status="cancelled").order("cancelled_first", -30)
    # signed up and ordered on D: months observed 1 / 30.4375 -> clamped to 1
    world.order("new", 0)
    out = {row["customer_id"]: row["purchase_frequency"] for row in world.traits().to_dicts()}
    assert out["old"] == pytest.approx(2 / 12)
    assert out["recent"] == pytest.approx(2 * 30.4375 / 61)  # 0.99795
    assert out["cancelled_first"] == pytest.approx(30.4375 / 31)  # 0.98185
    assert out["new"] == pytest.approx(1.0)  # 1 day / 1 month


def test_recency_days(world) -> None:
    world.customer("a").customer("old")
    world.order("a", -40).order("a", -12)
    world.order("a", -3, status="cancelled").order("a", -4, status="returned")  # not completed
    world.order("a", 2)  # after D: ignored
    world.order("old", -800)  # long before the window still counts
    assert world.trait("a", "recency_days") == 12
    assert world.trait("old", "recency_days") == 800


def test_growth_trend_splits_the_window_at_d_181(world) -> None:
    world.customer("a").customer("shrinking")
    world.order("a", -181, 300.0)  # recent half [D-181, D]: r1 = 300
    world.order("a", -182, 60.0).order("a", -364, 40.0)  # prior half [D-364, D-182]: r0 = 100
    world.order("a", -365, 1000.0).order("a", 1, 1000.0)  # outside the window
    world.order("shrinking", -200, 50.0)  # r1 = 0, r0 = 50
    assert world.trait("a", "growth_trend") == pytest.approx(0.5)  # (300 - 100) / (300 + 100)
    assert world.trait("shrinking", "growth_trend") == pytest.approx(-1.0)  # (0 - 50) / 50


def test_product_breadth(world) -> None:
    world.customer("a").customer("b").customer("c")
    world.category("a", -10, "X").category("a", -364, "Y").category("a", -20, "Y")  # a: {X, Y}
    world.category("a", -365, "Z")  # before a's window, but counts in the global set
    world.category("b", -400, "W")  # global set only
    world.category("b", 1, "V")  # after D: in neither
    # global categories up to D: {X, Y, Z, W} = 4
    assert world.trait("a", "product_breadth") == pytest.approx(0.5)  # 2 / 4
    assert world.trait("b", "product_breadth") == 0.0  # 0 / 4
    assert world.trait("c", "product_breadth") == 0.0  # no categories at all: 0 / 4


def test_product_breadth_is_null_when_nothing_was_bought_up_to_d(world) -> None:
    world.customer("a").category("a", 1, "X")
    assert world.trait("a", "product_breadth") is None


def test_premium_and_service_share(world) -> None:
    world.customer("a")
    world.order("a", -10, 200.0, premium=50.0, service=20.0)
    world.order("a", -20, 300.0, premium=100.0)
    world.order("a", -30, 999.0, "cancelled", premium=999.0, service=999.0)  # not completed
    row = world.row("a")
    assert row["premium_share"] == pytest.approx(0.3)  # (50 + 100) / 500
    assert row["service_share"] == pytest.approx(0.04)  # 20 / 500


def test_return_rate_and_orders_12m(world) -> None:
    world.customer("a")
    world.order("a", -10).order("a", -20).order("a", -364)  # 3 completed in the window
    world.order("a", -40, status="returned")  # 1 returned in the window
    world.order("a", -50, status="cancelled")  # neither
    world.order("a", -365, status="returned").order("a", -365)  # before the window
    world.order("a", 1, status="returned").order("a", 1)  # after D
    row = world.row("a")
    assert row["return_rate"] == pytest.approx(0.25)  # 1 / (3 + 1)
    assert row["orders_12m"] == 3
