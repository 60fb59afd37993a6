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
