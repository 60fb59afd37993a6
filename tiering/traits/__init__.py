"""Customer traits as of a date D: the one declaration of every trait column, and compute_traits.

CUSTOMER_TRAITS below declares each trait column of marts.customer_traits once, in column order (the record is
tiering/traits/trait.py). Everything else about a trait derives from its entry:

- computed: `expr`, a pure Polars function in tiering/traits/<orders|payments|support|customers>.py giving the
  trait from the per-customer aggregates its module builds (LazyFrames in, LazyFrame out), joined by
  compute_traits below; the forecast columns and `rising` come from tiering/clv/ (forecast/customer_value,
  joined and flagged by tiering/clv/traits.py);
- tested: tests/traits/test_<module>.py on hand-computed data (tests/clv/ for the forecast); the declarations
  themselves in tests/traits/test_declarations.py;
- documented: `description` (a computed trait's docstring) is its row in docs/outputs.md (`tiers docs`,
  tiering/outputs.py) and its COMMENT ON in tiers.duckdb (tiering/warehouse/bi_layer.py), shown as `bi_name` in the views;
- worded: `words`, how reasons print the value (tiering/reasons.py: scoring, `tiers explain`, the dashboard);
- traced: `reads`, its column lineage in the Dagster UI (tiering/lineage.py);
- scored: by name in the policy file (policy/ideal_customer.yaml), which may score any trait with `words`;
- left out (null for everyone, so not scored) when an input it `reads` is absent company-wide: its feed empty, a
  column null throughout, or one of its `varied` columns with a single value (tiering/traits/gaps.py).

Adding a trait: its function (and any aggregate it needs) in tiering/traits/<module>.py with hand-computed tests
in tests/traits/, one entry below, the staging columns it reads in that input's query (sql/traits/), then
`tiers docs`.
"""

from collections.abc import Collection
from datetime import date

import polars as pl

from tiering.traits import customers as customer_traits
from tiering.traits import orders as order_traits
from tiering.traits import payments as payment_traits
from tiering.traits import support as support_traits
from tiering.traits.trait import Trait, Words


def _columns(table: str, names: str) -> tuple[str, ...]:
    return tuple(f"{table}.{name}" for name in names.split())


_ORDERS = _columns("staging.orders", "order_date status")  # completed orders dated in the window
_REVENUE = (*_ORDERS, "staging.orders.net_amount")
_INVOICES = (
    *_columns("staging.invoices", "issued_date due_date amount"),
    *_columns("staging.payments", "invoice_id paid_date amount"),
)
_TICKETS = _columns("staging.tickets", "opened_at")

# Computed by compute_traits from the staging tables.
TRAITS: tuple[Trait, ...] = (
    Trait.computed(
        order_traits.revenue_12m,
        reads=_REVENUE,
        words=Words("money", "{} in the last 12 months"),
        bi_name="revenue_last_12_months",
        rollup="sum",
    ),
    Trait.computed(
        order_traits.gross_margin,
        reads=(*_ORDERS, *_columns("staging.orders", "net_amount cost_amount")),
        words=Words("percent", "{} gross margin"),
    ),
    Trait.computed(
        order_traits.discount_depth,
        reads=(*_ORDERS, *_columns("staging.orders", "discount_amount list_amount")),
        words=Words("percent", "{} off list price on average"),
        bi_name="discount_off_list_price",
    ),
    Trait.computed(
        order_traits.purchase_frequency,
        reads=_ORDERS,
        words=Words("decimal", "{} purchase days a month"),
        bi_name="purchase_days_per_month",
        rollup="sum",
    ),
    Trait.computed(
        order_traits.recency_days,
        reads=_ORDERS,
        words=Words("integer", "last order {} days ago"),
        bi_name="days_since_last_order",
        rollup="min",
    ),
    Trait.computed(
        customer_traits.tenure_days,
        reads=_columns("staging.customers", "signup_date"),
        words=Words("integer", "customer for {} days"),
        bi_name="days_as_customer",
        rollup="max",
    ),
    Trait.computed(
        order_traits.growth_trend,
        reads=_REVENUE,
        words=Words("signed_percent", "revenue trend {} (last 6 months vs the 6 before)"),
        bi_name="revenue_trend",
    ),
    Trait.computed(
        payment_traits.payment_delay_days,
        reads=_INVOICES,
        words=Words("decimal", "{} days late on average"),
        bi_name="avg_days_paid_late",
    ),
    Trait.computed(
        payment_traits.on_time_rate,
        reads=_INVOICES,
        words=Words("percent", "{} of invoices paid on time"),
        bi_name="share_invoices_paid_on_time",
    ),
    Trait.computed(
        payment_traits.overdue_amount,
        reads=_INVOICES,
        words=Words("money", "{} overdue"),
        bi_name="overdue_balance",
        rollup="sum",
    ),
    Trait.computed(
        order_traits.product_breadth,
        reads=_columns("staging.order_categories", "product_category order_date"),
        words=Words("percent", "buys {} of the categories"),
        bi_name="share_of_categories_bought",
        varied=("staging.order_categories.product_category",),
    ),
    Trait.computed(
        order_traits.premium_share,
        reads=(*_ORDERS, *_columns("staging.orders", "premium_net_amount net_amount")),
        words=Words("percent", "{} of revenue from premium lines"),
        bi_name="premium_revenue_share",
    ),
    Trait.computed(
        order_traits.service_share,
        reads=(*_ORDERS, *_columns("staging.orders", "service_net_amount net_amount")),
        words=Words("percent", "{} of revenue from paid services"),
        bi_name="service_revenue_share",
    ),
    Trait.computed(
        order_traits.return_rate,
        reads=_ORDERS,
        words=Words("percent", "{} of orders returned"),
        bi_name="share_orders_returned",
        varied=("staging.orders.status",),  # a missing status is loaded as completed
    ),
    Trait.computed(
        order_traits.orders_12m,
        reads=_ORDERS,
        words=Words("integer", "{} orders in 12 months"),
        bi_name="orders_last_12_months",
        rollup="sum",
    ),
    Trait.computed(
        support_traits.tickets_12m,
        reads=_TICKETS,
        words=Words("integer", "{} tickets in 12 months"),
        bi_name="tickets_last_12_months",
        rollup="sum",
    ),
    Trait.computed(
        support_traits.tickets_per_order,
        reads=(*_TICKETS, *_ORDERS),
        words=Words("decimal", "{} support tickets per order"),
    ),
    Trait.computed(
        support_traits.complaint_share,
        reads=_columns("staging.tickets", "opened_at category"),
        words=Words("percent", "{} of tickets are complaints"),
        bi_name="complaint_ticket_share",
    ),
    Trait.computed(
        support_traits.escalation_rate,
        reads=_columns("staging.tickets", "opened_at escalated"),
        words=Words("percent", "{} of tickets escalated"),
        bi_name="escalated_ticket_share",
    ),
)

# Computed by the forecast (forecast/customer_value, tiering/clv/) and joined by tiering/clv/traits.py.
FORECAST_TRAITS: tuple[Trait, ...] = (
    Trait(
        "p_alive",
        "BG/NBD probability that the customer is still active on D, from their purchase days (completed orders "
        "up to D, same-day orders merged); null without a completed order up to D or when the nightly fit "
        "failed.",
        reads=("forecast.customer_value.p_alive",),
        words=Words("percent", "{} chance of still being active"),
        bi_name="probability_still_active",
    ),
    Trait(
        "expected_purchases_12m",
        "BG/NBD expected number of purchase days in the 365 days after D, given the customer's repeat purchase "
        "days, the date of the last one and the time since the first; null as p_alive.",
        reads=("forecast.customer_value.expected_purchases_12m",),
        words=Words("decimal", "{} purchases expected in the next 12 months"),
        bi_name="expected_purchases_next_12_months",
        rollup="sum",
    ),
    Trait(
        "expected_value_12m",
        "expected_purchases_12m x the Gamma-Gamma expected net_amount per purchase day (the customer's mean "
        "repeat purchase day, shrunk towards the mean of all customers); null as p_alive or when spend could not "
        "be modelled.",
        reads=("forecast.customer_value.expected_value_12m",),
        words=Words("money", "{} expected in the next 12 months"),
        bi_name="expected_value_next_12_months",
        rollup="sum",
    ),
)

# Computed by tiering/clv/traits.py (rising_flag) from the forecast, revenue_12m and the policy's rising rule.
RISING = Trait(
    "rising",
    "True when expected_value_12m is at least the policy's rising.expected_value_ratio x revenue_12m and at "
    "least rising.min_expected_value; false without a forecast or without a rising rule in the policy.",
    reads=("forecast.customer_value.expected_value_12m", *_REVENUE),
    words=None,
    rollup="any",
)

CUSTOMER_TRAITS: tuple[Trait, ...] = (*TRAITS, *FORECAST_TRAITS, RISING)
"""The trait columns of marts.customer_traits and marts.customer_tiers, in column order."""

TRAIT_COLUMNS: list[str] = [trait.name for trait in TRAITS]
TRAIT_BY_NAME: dict[str, Trait] = {trait.name: trait for trait in CUSTOMER_TRAITS}


def compute_traits(
    customers: pl.LazyFrame,
    orders: pl.LazyFrame,
    order_categories: pl.LazyFrame,
    invoices: pl.LazyFrame,
    payments: pl.LazyFrame,
    tickets: pl.LazyFrame,
    as_of: date,
    all_categories: pl.LazyFrame | None = None,
    left_out: Collection[str] = (),
) -> pl.LazyFrame:
    """One row per customer known on `as_of`: customer_id, as_of_date, then TRAIT_COLUMNS in order.

    `all_categories` (product_category, order_date) gives category_universe when the inputs hold only some
    customers: every customer's order_categories, or just each category's first day; order_categories by default.
    The traits named in `left_out` are null for everyone: their input is absent company-wide
    (tiering/traits/gaps.py says which, from all customers' inputs, not from a part's).
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
        .select(key, "as_of_date", *(_trait(trait, trait.name in left_out) for trait in TRAITS))
    )


def _trait(trait: Trait, left_out: bool) -> pl.Expr:
    """The trait's column: null, with its type, when it is left out."""
    value = trait.expr()
    return (pl.when(pl.lit(False)).then(value) if left_out else value).alias(trait.name)
