"""A terse builder of tiny input frames for the trait tests; days are offsets from the as-of date D."""

from datetime import date, datetime, time, timedelta
from typing import Any

import polars as pl
import pytest

from tiering.traits import compute_traits
from tiering.traits.gaps import frame_stats, left_out

D = date(2025, 6, 30)

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "customers": {
        "customer_id": pl.String(),
        "name": pl.String(),
        "industry": pl.String(),
        "employees": pl.Int32(),
        "region": pl.String(),
        "signup_date": pl.Date(),
    },
    "orders": {
        "order_id": pl.String(),
        "customer_id": pl.String(),
        "order_date": pl.Date(),
        "status": pl.String(),
        "net_amount": pl.Float64(),
        "list_amount": pl.Float64(),
        "discount_amount": pl.Float64(),
        "cost_amount": pl.Float64(),
        "premium_net_amount": pl.Float64(),
        "service_net_amount": pl.Float64(),
        "line_count": pl.Int32(),
    },
    "order_categories": {
        "customer_id": pl.String(),
        "product_category": pl.String(),
        "order_date": pl.Date(),
    },
    "invoices": {
        "invoice_id": pl.String(),
        "customer_id": pl.String(),
        "issued_date": pl.Date(),
        "due_date": pl.Date(),
        "amount": pl.Float64(),
    },
    "payments": {
        "payment_id": pl.String(),
        "invoice_id": pl.String(),
        "paid_date": pl.Date(),
        "amount": pl.Float64(),
    },
    "tickets": {
        "ticket_id": pl.String(),
        "customer_id": pl.String(),
        "opened_at": pl.Datetime(),
        "closed_at": pl.Datetime(),
        "priority": pl.String(),
        "category": pl.String(),
        "escalated": pl.Boolean(),
    },
}


def day(offset: int) -> date:
    """The date `offset` days from D (day(-364) is the first day of the window)."""
    return D + timedelta(days=offset)


class World:
    """Rows for each input table, added with chainable methods; `traits()` runs compute_traits on them."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {table: [] for table in SCHEMAS}

    def _add(self, table: str, **row: Any) -> "World":
        self.rows[table].append(row)
        return self

    def customer(self, customer_id: str, signup: int | None = -1000) -> "World":
        signup_date = None if signup is None else day(signup)
        return self._add(
            "customers",
            customer_id=customer_id,
            name=customer_id.upper(),
            industry="software",
            employees=100,
            region="Western Europe",
            signup_date=signup_date,
        )

    def order(
        self,
        customer_id: str,
        offset: int,
        net: float = 100.0,
        status: str = "completed",
        *,
        discount: float = 0.0,
        cost: float = 0.0,
        premium: float = 0.0,
        service: float = 0.0,
        lines: int = 1,
    ) -> "World":
        """An order of `net`; list_amount is net + discount (0 with it when the order has no lines)."""
        return self._add(
            "orders",
            order_id=f"o{len(self.rows['orders'])}",
            customer_id=customer_id,
            order_date=day(offset),
            status=status,
            net_amount=net,
            list_amount=net + discount,
            discount_amount=discount,
            cost_amount=cost,
            premium_net_amount=premium,
            service_net_amount=service,
            line_count=lines,
        )

    def category(self, customer_id: str, offset: int, category: str) -> "World":
        return self._add(
            "order_categories", customer_id=customer_id, product_category=category, order_date=day(offset)
        )

    def invoice(
        self, invoice_id: str, customer_id: str, due: int, amount: float, issued: int | None = None
    ) -> "World":
        """An invoice due on day(due), issued 30 days before unless `issued` is given."""
        return self._add(
            "invoices",
            invoice_id=invoice_id,
            customer_id=customer_id,
            issued_date=day(due - 30 if issued is None else issued),
            due_date=day(due),
            amount=amount,
        )

    def payment(self, invoice_id: str, offset: int, amount: float) -> "World":
        return self._add(
            "payments",
            payment_id=f"p{len(self.rows['payments'])}",
            invoice_id=invoice_id,
            paid_date=day(offset),
            amount=amount,
        )

    def ticket(
        self,
        customer_id: str,
        offset: int,
        category: str = "question",
        escalated: bool = False,
        at: time = time(12, 0),
    ) -> "World":
        return self._add(
            "tickets",
            ticket_id=f"t{len(self.rows['tickets'])}",
            customer_id=customer_id,
            opened_at=datetime.combine(day(offset), at),
            closed_at=None,
            priority="normal",
            category=category,
            escalated=escalated,
        )

    def every_input(self, customer_id: str = "other") -> "World":
        """A customer with a row in every input, two statuses and two categories: no trait is left out for
        lack of input, so the other customers' values are facts."""
        self.customer(customer_id).order(customer_id, -400, status="returned")
        self.order(customer_id, -400, cost=50.0, discount=10.0, premium=10.0, service=10.0)
        self.category(customer_id, -400, "x").category(customer_id, -400, "y")
        self.invoice(f"{customer_id}-i", customer_id, -400, 100.0).payment(f"{customer_id}-i", -400, 100.0)
        return self.ticket(customer_id, -400, "complaint", escalated=True)

    def frame(self, table: str) -> pl.LazyFrame:
        return pl.LazyFrame(self.rows[table], schema=SCHEMAS[table], orient="row")

    def inputs(self) -> dict[str, pl.LazyFrame]:
        return {table: self.frame(table) for table in SCHEMAS}

    def left_out(self) -> dict[str, str]:
        """The traits left out for lack of input, as the pipeline finds them over all rows."""
        return left_out(frame_stats(self.inputs()))

    def lazy(self, as_of: date = D) -> pl.LazyFrame:
        """compute_traits over the rows so far, the traits without input left out as in the pipeline."""
        return compute_traits(**self.inputs(), as_of=as_of, left_out=self.left_out())

    def traits(self, as_of: date = D, engine: str = "auto") -> pl.DataFrame:
        """The traits collected and sorted by customer_id."""
        return self.lazy(as_of).collect(engine=engine).sort("customer_id")

    def row(self, customer_id: str, as_of: date = D) -> dict[str, Any]:
        """The output row of one customer, as a dict."""
        rows = self.traits(as_of).filter(pl.col("customer_id") == customer_id).to_dicts()
        assert len(rows) == 1, f"expected one row for {customer_id}"
        return rows[0]

    def trait(self, customer_id: str, name: str, as_of: date = D) -> Any:
        """The value of one trait for one customer."""
        return self.row(customer_id, as_of)[name]


@pytest.fixture
def world() -> World:
    return World()
