"""Support traits on tiny hand-computed data; D = 2025-06-30, day(-364) is the first day of the window."""

from datetime import time

import pytest


def test_ticket_traits_count_tickets_opened_in_the_window(world) -> None:
    world.customer("a")
    world.order("a", -10).order("a", -20)  # orders_12m = 2
    world.ticket("a", -364, at=time(0, 0))  # first day of the window: in
    world.ticket("a", -365, "complaint", escalated=True, at=time(23, 59))  # the day before: out
    world.ticket("a", 0, "complaint", escalated=True, at=time(23, 59))  # late on D: in
    world.ticket("a", 1, "complaint", escalated=True, at=time(0, 0))  # after D: out
    world.ticket("a", -100, "complaint")
    world.ticket("a", -50, "bug", escalated=True)
    row = world.row("a")
    assert row["tickets_12m"] == 4  # days -364, 0, -100, -50
    assert row["tickets_per_order"] == pytest.approx(2.0)  # 4 / max(1, 2)
    assert row["complaint_share"] == pytest.approx(0.5)  # 2 / 4
    assert row["escalation_rate"] == pytest.approx(0.5)  # 2 / 4


def test_tickets_without_orders(world) -> None:
    world.customer("b")
    world.order("b", -5, status="cancelled")
    world.ticket("b", -1, escalated=True).ticket("b", -2, "billing").ticket("b", -3, "feature_request")
    row = world.row("b")
    assert row["tickets_12m"] == 3
    assert row["tickets_per_order"] == pytest.approx(3.0)  # 3 / max(1, 0)
    assert row["complaint_share"] == 0.0
    assert row["escalation_rate"] == pytest.approx(1 / 3)


def test_no_tickets_while_the_feed_has_rows(world) -> None:
    world.customer("c").order("c", -5).every_input()  # another customer's ticket: the feed is there
    row = world.row("c")
    assert row["tickets_12m"] == 0
    assert row["tickets_per_order"] == 0.0  # 0 / max(1, 1)
    assert row["complaint_share"] is None
    assert row["escalation_rate"] is None
