"""The nightly traits from DuckDB staging tables: taking customers in parts changes nothing."""

from datetime import date, timedelta

import duckdb
import polars as pl
import pytest

from tiering.warehouse.tables import bucket_macro
from tiering.warehouse.traits import category_universe, write_traits

D = date(2025, 6, 30)  # the World's as-of date
DAY_BEFORE = D - timedelta(days=1)

FORECAST = {
    "customer_id": pl.String(),
    "as_of_date": pl.Date(),
    "p_alive": pl.Float64(),
    "expected_purchases_12m": pl.Float64(),
    "expected_value_12m": pl.Float64(),
}


def _staged(world) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging; CREATE SCHEMA forecast")
    bucket_macro(con)
    forecast = pl.DataFrame(
        [(f"c{i}", as_of, 0.5, 1.0, 100.0 * i) for i in range(40) for as_of in (DAY_BEFORE, D)],
        schema=FORECAST,
        orient="row",
    )
    con.register("_forecast", forecast)
    con.execute("CREATE TABLE forecast.customer_value AS SELECT * FROM _forecast")
    for name in sorted(
        world.rows, key=lambda name: name == "payments"
    ):  # payments take their invoice's customer
        con.register("_frame", world.frame(name).collect())
        if name == "payments":
            select = "SELECT p.*, i.customer_id, i.customer_bucket FROM _frame AS p JOIN staging.invoices AS i USING (invoice_id)"
        else:
            select = "SELECT *, customer_bucket(customer_id) AS customer_bucket FROM _frame"
        con.execute(f"CREATE TABLE staging.{name} AS {select} ORDER BY customer_bucket")
        con.unregister("_frame")
    return con


def _world(world):
    for i in range(40):
        customer = f"c{i}"
        world.customer(customer, signup=-400 + i)
        world.order(customer, -i, 10.0 + i, discount=1.0, cost=3.0)
        world.order(customer, -200 - i, 5.0, "returned" if i % 3 else "completed")
        world.category(customer, -i, f"cat{i % 7}")
        world.invoice(f"i{i}", customer, due=-i, amount=10.0 + i)
        world.payment(f"i{i}", -i + i % 5 - 2, 10.0 + i)
        world.ticket(customer, -i, "complaint" if i % 2 else "question", escalated=i % 4 == 0)
    world.category("c0", -500, "only_before_the_window")  # in the universe, in one part only
    return world


def _traits(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    return con.sql(f"SELECT * FROM {table}").pl().sort("customer_id", "as_of_date")


def _write(con: duckdb.DuckDBPyConnection, dates: list[date], orders_per_part: int) -> None:
    write_traits(con, dates, None, category_universe(con), orders_per_part=orders_per_part)


def test_traits_in_parts_equal_traits_in_one_part_for_every_date(world) -> None:
    con = _staged(_world(world))
    last_date = f"(SELECT * FROM traits.daily_traits WHERE as_of_date = '{D}')"
    _write(con, [DAY_BEFORE, D], orders_per_part=1_000)
    whole = _traits(con, "traits.daily_traits"), _traits(con, last_date)
    # 4 parts of several customers: Polars divides a single row exactly, longer columns by the reciprocal
    _write(con, [DAY_BEFORE, D], orders_per_part=20)
    parts = _traits(con, "traits.daily_traits"), _traits(con, last_date)
    assert whole[0].height == 80 and whole[1].height == 40
    assert set(whole[1]["as_of_date"]) == {D}
    assert whole[0].equals(parts[0]) and whole[1].equals(parts[1])
    assert world.traits().equals(whole[1].select(world.traits().columns))
    assert whole[1]["product_breadth"].min() == 1 / 8


def test_a_failed_part_leaves_the_previous_traits(world, monkeypatch) -> None:
    con = _staged(_world(world))
    _write(con, [D], orders_per_part=20)
    before = _traits(con, "traits.daily_traits")

    def fail(*args, **kwargs):
        raise RuntimeError("part failed")

    monkeypatch.setattr("tiering.warehouse.traits.part_traits", fail)
    with pytest.raises(RuntimeError, match="part failed"):
        _write(con, [DAY_BEFORE, D], orders_per_part=20)
    assert _traits(con, "traits.daily_traits").equals(before)


def test_history_before_the_window_reads_as_every_row(world) -> None:
    """Before the windows of a run's dates a part reads only each customer's first and last completed orders
    and the invoices not settled by the first date: the traits of every date equal compute_traits over every row."""
    world.every_input()
    for i in range(12):
        c = f"h{i}"
        world.customer(c, signup=-900).category(c, -400 + i, "a").category(c, -3, "b").ticket(c, -5)
        world.order(c, -800 - i, 50.0).order(c, -700, 9.0).order(c, -500, 20.0, "returned")
        world.order(c, -400 + i, 30.0, cost=5.0).order(c, -366 - i % 3, 11.0)
        if i % 2:
            world.order(c, -10, 70.0, discount=7.0)
        world.invoice(f"{c}-paid", c, -600, 100.1).payment(f"{c}-paid", -610, 50.05).payment(
            f"{c}-paid", -590, 50.05
        )
        world.invoice(f"{c}-open", c, -500, 80.0).payment(f"{c}-open", -490, 30.0)
        world.invoice(f"{c}-none", c, -700, 10.0 + i)
        world.invoice(f"{c}-late", c, -450, 60.0).payment(f"{c}-late", -1 if i % 3 == 0 else -300, 60.0)
        world.invoice(f"{c}-edge", c, -365 - i % 2, 25.0).payment(f"{c}-edge", -2, 25.0)
        world.invoice(f"{c}-win", c, -20, 40.0).payment(f"{c}-win", -15 - i, 40.0)
    dates = [D - timedelta(days=2), DAY_BEFORE, D]
    con = _staged(world)
    _write(con, dates, orders_per_part=30)
    staged = _traits(con, "traits.daily_traits")
    assert world.left_out() == {}
    for as_of in dates:
        expected = world.traits(as_of)
        assert staged.filter(pl.col("as_of_date") == as_of).select(expected.columns).equals(expected), as_of
