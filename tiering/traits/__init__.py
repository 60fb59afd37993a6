"""Customer traits as of a date D: pure Polars, LazyFrames in, one LazyFrame out.

Each trait is a function returning an expression over the joined per-customer aggregates; its docstring is
its definition (TRAIT_DOCS). "The window" is the 365 days ending on D, [D-364, D].
"""

import inspect
from collections.abc import Callable
from datetime import date

import polars as pl

from tiering.traits import customers as customer_traits
from tiering.traits import orders as order_traits
from tiering.traits import payments as payment_traits
from tiering.traits import support as support_traits

_TRAITS: tuple[Callable[[], pl.Expr], ...] = (
    order_traits.revenue_12m,
    order_traits.gross_margin,
    order_traits.discount_depth,
    order_traits.purchase_frequency,
    order_traits.recency_days,
    customer_traits.tenure_days,
    order_traits.growth_trend,
    payment_traits.payment_delay_days,
    payment_traits.on_time_rate,
    payment_traits.overdue_amount,
    order_traits.product_breadth,
    order_traits.premium_share,
    order_traits.service_share,
    order_traits.return_rate,
    order_traits.orders_12m,
    support_traits.tickets_12m,
    support_traits.tickets_per_order,
    support_traits.complaint_share,
    support_traits.escalation_rate,
)

TRAIT_COLUMNS: list[str] = [trait.__name__ for trait in _TRAITS]
TRAIT_DOCS: dict[str, str] = {trait.__name__: " ".join(inspect.getdoc(trait).split()) for trait in _TRAITS}


def compute_traits(
    customers: pl.LazyFrame,
    orders: pl.LazyFrame,
    order_categories: pl.LazyFrame,
    invoices: pl.LazyFrame,
    payments: pl.LazyFrame,
    tickets: pl.LazyFrame,
    as_of: date,
    all_categories: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """One row per customer known on `as_of`: customer_id, as_of_date, then TRAIT_COLUMNS in order.

    `all_categories` (product_category, order_date) gives category_universe when the inputs hold only some
    customers: every customer's order_categories, or just each category's first day; order_categories by default.
    """
    key = "customer_id"
    universe = order_categories if all_categories is None else all_categories
    return (
        customer_traits.known_customers(customers, as_of)
        .join(order_traits.order_aggregates(orders, as_of), on=key, how="left")
        .join(order_traits.category_aggregates(order_categories, as_of), on=key, how="left")
        .join(order_traits.category_universe(universe, as_of), how="cross")
        .join(payment_traits.payment_aggregates(invoices, payments, as_of), on=key, how="left")
        .join(support_traits.ticket_aggregates(tickets, as_of), on=key, how="left")
        .select(key, "as_of_date", *(trait().alias(trait.__name__) for trait in _TRAITS))
    )
