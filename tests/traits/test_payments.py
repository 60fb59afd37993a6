"""Payment traits on tiny hand-computed data; D = 2025-06-30, day(-364) is the first day of the window."""

import pytest


def test_lateness_with_partial_payments_and_unpaid_invoices(world) -> None:
    world.customer("a")
    world.invoice("i1", "a", due=-100, amount=100.0).payment("i1", -105, 100.0)  # early: 0 days late
    # partial payments, added out of date order: paid on -40 when the second one completes it, 10 days late
    world.invoice("i2", "a", due=-50, amount=300.0).payment("i2", -40, 200.0).payment("i2", -60, 100.0)
    world.invoice("i3", "a", due=-10, amount=200.0).payment("i3", 1, 200.0)  # paid after D: unpaid, 10 late
    world.invoice("i4", "a", due=5, amount=1000.0)  # unpaid, not yet due: left out
    world.invoice("i5", "a", due=0, amount=1000.0)  # unpaid, due on D: left out
    row = world.row("a")
    assert row["payment_delay_days"] == pytest.approx(5000 / 600)  # (100*0 + 300*10 + 200*10) / 600
    assert row["on_time_rate"] == pytest.approx(1 / 3)  # only i1 of i1, i2, i3
    assert row["overdue_amount"] == pytest.approx(200.0)  # i3; i4 and i5 are not due before D


def test_window_tolerance_and_shortfalls(world) -> None:
    world.customer("b")
    world.invoice("j1", "b", due=-364, amount=100.0).payment("j1", -354, 100.0)  # in the window, 10 late
    world.invoice("j2", "b", due=-365, amount=50.0)  # due before the window: overdue only
    world.invoice("j3", "b", due=-20, amount=100.004).payment("j3", -25, 100.0)  # paid within 0.005, on time
    # 50 of 80 paid: still unpaid, D - due = 30 days late
    world.invoice("j4", "b", due=-30, amount=80.0).payment("j4", -35, 30.0).payment("j4", -5, 20.0)
    row = world.row("b")
    # (100*10 + 100.004*0 + 80*30) / (100 + 100.004 + 80) = 3400 / 280.004
    assert row["payment_delay_days"] == pytest.approx(3400 / 280.004)
    assert row["on_time_rate"] == pytest.approx(1 / 3)  # only j3 of j1, j3, j4
    assert row["overdue_amount"] == pytest.approx(80.004)  # j2 50 + j3 0.004 + j4 30


def test_paid_late_on_d(world) -> None:
    world.customer("c")
    world.invoice("k1", "c", due=-3, amount=100.0).payment("k1", 0, 60.0).payment("k1", 0, 40.0)
    world.invoice("k2", "c", due=-1, amount=500.0, issued=1)  # issued after D: ignored
    row = world.row("c")
    assert row["payment_delay_days"] == pytest.approx(3.0)  # paid on D, due 3 days before
    assert row["on_time_rate"] == 0.0
    assert row["overdue_amount"] == 0.0


def test_customers_without_qualifying_invoices(world) -> None:
    world.customer("none").customer("not_due")
    world.invoice("n1", "not_due", due=10, amount=100.0)
    world.payment("orphan", -5, 100.0)  # a payment for no known invoice
    for customer_id in ("none", "not_due"):
        row = world.row(customer_id)
        assert row["payment_delay_days"] is None
        assert row["on_time_rate"] is None
        assert row["overdue_amount"] == 0.0
