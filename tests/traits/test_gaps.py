"""Missing is never perfect: a trait whose input is absent company-wide is null for everyone, with the reason.

D = 2025-06-30. Customer "a" has the same rows in every test; what changes is what the company's feeds hold.
"""

from datetime import date, timedelta

import duckdb
import pytest

from tiering.traits.gaps import frame_stats, left_out_lines
from tiering.warehouse.traits import input_stats, traits_left_out

D = date(2025, 6, 30)
SUPPORT = ["tickets_12m", "tickets_per_order", "complaint_share", "escalation_rate"]
PAYMENT = ["payment_delay_days", "on_time_rate", "overdue_amount"]


def shop(world, **order_fields):
    """Customer a: two orders of 100 (cost 60, discount 20 off 120), one premium and one service line's
    worth, categories x and y."""
    world.customer("a")
    world.order("a", -10, cost=60.0, discount=20.0, premium=50.0, service=10.0, **order_fields)
    world.order("a", -200, cost=60.0, discount=20.0, premium=50.0, service=10.0, **order_fields)
    world.category("a", -10, "x").category("a", -200, "y")
    return world


def test_every_input_present_leaves_nothing_out(world) -> None:
    shop(world).order("a", -20, status="returned")
    world.invoice("i1", "a", -40, 100.0).payment("i1", -45, 100.0)
    world.ticket("a", -5, "complaint", escalated=True)
    assert world.left_out() == {}
    row = world.row("a")
    assert row["tickets_12m"] == 1 and row["complaint_share"] == 1.0
    assert row["gross_margin"] == pytest.approx(0.4)  # (200 - 120) / 200
    assert row["return_rate"] == pytest.approx(1 / 3)
    assert row["payment_delay_days"] == 0.0


def test_no_ticket_feed_leaves_the_support_traits_out(world) -> None:
    shop(world).invoice("i1", "a", -40, 100.0).payment("i1", -45, 100.0)
    assert world.left_out() == dict.fromkeys(SUPPORT, "no support_tickets feed") | {
        "return_rate": "fewer than two different status values in orders"
    }
    row = world.row("a")
    assert [row[name] for name in SUPPORT] == [None] * 4  # not 0 tickets: 100 points for nothing
    assert left_out_lines(world.left_out()) == [
        "return_rate: fewer than two different status values in orders",
        "support traits (tickets_12m, tickets_per_order, complaint_share, escalation_rate): "
        "no support_tickets feed",
    ]


def test_no_invoices_or_no_payments_leaves_the_payment_traits_out(world) -> None:
    shop(world)
    assert {name: world.left_out()[name] for name in PAYMENT} == dict.fromkeys(
        PAYMENT, "no invoices or payments feed"
    )
    assert [world.row("a")[name] for name in PAYMENT] == [None, None, None]  # overdue was 0.0: perfect
    world.invoice("i1", "a", -40, 100.0)  # invoices without any payment feed: everyone would be overdue
    assert world.left_out()["overdue_amount"] == "no payments feed"
    assert world.row("a")["overdue_amount"] is None


def test_a_column_empty_throughout_leaves_its_traits_out(world) -> None:
    shop(world, status="completed").order("a", -30, status="cancelled")
    world.ticket("a", -5, "complaint", escalated=True).invoice("i1", "a", -40, 100.0).payment(
        "i1", -41, 100.0
    )
    for column in (
        "cost_amount",
        "discount_amount",
        "list_amount",
        "premium_net_amount",
        "service_net_amount",
    ):
        for order in world.rows["orders"]:
            order[column] = None
    for ticket in world.rows["tickets"]:
        ticket["escalated"] = None
    for category in world.rows["order_categories"]:
        category["product_category"] = None
    world.rows["customers"][0]["signup_date"] = None
    left = world.left_out()
    assert left == {
        "gross_margin": "no cost_amount in order_lines",
        "discount_depth": "no discount_amount or list_amount in order_lines",
        "tenure_days": "no signup_date in customers",
        "product_breadth": "no product_category in order_lines",
        "premium_share": "no is_premium in order_lines",
        "service_share": "no is_service in order_lines",
        "escalation_rate": "no escalated in support_tickets",
    }
    row = world.row("a")
    assert all(row[name] is None for name in left)
    assert row["complaint_share"] == 1.0 and row["return_rate"] == 0.0  # cancelled is a status too
    assert row["revenue_12m"] == 200.0


def test_no_category_at_all_is_a_missing_column_not_a_missing_feed(world) -> None:
    """Staging leaves a line without a category out of order_categories, so the table is empty while
    order_lines has rows."""
    shop(world)
    world.rows["order_categories"].clear()
    assert world.left_out()["product_breadth"] == "no product_category in order_lines"


def test_one_category_sold_leaves_breadth_out(world) -> None:
    world.customer("a").order("a", -10).category("a", -10, "x")
    world.customer("b").order("b", -10).category("b", -10, "x")
    assert (
        world.left_out()["product_breadth"]
        == "fewer than two different product_category values in order_lines"
    )
    assert world.row("a")["product_breadth"] is None  # 1 / 1 was 100%


def test_breadth_needs_two_categories_bought_up_to_d(world) -> None:
    world.customer("a").order("a", -10).category("a", -10, "x").category("a", 5, "y")  # y after D
    assert "product_breadth" not in world.left_out()  # the company sold two categories
    assert world.trait("a", "product_breadth") is None  # but only one by D
    assert world.trait("a", "product_breadth", as_of=D + timedelta(days=5)) == 1.0


def test_the_warehouse_finds_the_same_gaps_over_the_staging_tables(world) -> None:
    shop(world).order("a", -30, status="cancelled")
    world.rows["orders"][0]["cost_amount"] = None  # one cost missing is not a gap: costs are there
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    for table in ("customers", "orders", "order_categories", "invoices", "payments", "tickets"):
        frame = world.frame(table).collect()  # noqa: F841 - read by DuckDB's replacement scan
        con.execute(f"CREATE TABLE staging.{table} AS SELECT * FROM frame")
    assert input_stats(con) == frame_stats(world.inputs())
    assert (
        traits_left_out(con)
        == world.left_out()
        == dict.fromkeys(SUPPORT, "no support_tickets feed")
        | dict.fromkeys(PAYMENT, "no invoices or payments feed")
    )
