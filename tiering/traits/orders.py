"""Order traits: revenue, margin, discounts, purchase rhythm, growth, product mix and returns.

"The window" is the 365 days ending on D, [D-364, D]; orders and category rows dated after D are ignored.
"""

from datetime import date, timedelta

import polars as pl

from tiering.traits.common import days_between, exact_sum, ratio, window_start

DAYS_PER_MONTH = 30.4375
MAX_MONTHS_OBSERVED = 12.0
RECENT_HALF_DAYS = 182  # growth_trend compares [D-181, D] with [D-364, D-182]


def order_aggregates(orders: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Per-customer sums and dates over completed orders up to D and returned ones in the window, in a
    single group_by (cancelled orders count for nothing)."""
    order_date = pl.col("order_date")
    completed = pl.col("status") == "completed"
    in_window = order_date >= window_start(as_of)
    returned = (pl.col("status") == "returned") & in_window
    counted = completed & in_window
    recent = order_date > as_of - timedelta(days=RECENT_HALF_DAYS)

    def counted_sum(column: str, condition: pl.Expr = counted) -> pl.Expr:
        return exact_sum(pl.when(condition).then(pl.col(column)))

    return (
        orders.filter((order_date <= as_of) & (completed | returned))
        .group_by("customer_id")
        .agg(
            _revenue=counted_sum("net_amount"),
            _revenue_recent=counted_sum("net_amount", counted & recent),
            _revenue_prior=counted_sum("net_amount", counted & ~recent),
            _cost=counted_sum("cost_amount"),
            _discount=counted_sum("discount_amount"),
            _list=counted_sum("list_amount"),
            _premium=counted_sum("premium_net_amount"),
            _service=counted_sum("service_net_amount"),
            _completed=counted.sum(),
            _returned=returned.sum(),
            _order_days=pl.when(counted).then(order_date).drop_nulls().n_unique(),
            _first_completed=pl.when(completed).then(order_date).min(),
            _last_completed=pl.when(completed).then(order_date).max(),
        )
    )


def category_aggregates(order_categories: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Per customer, the number of distinct product categories bought in the window."""
    day = pl.col("order_date")
    return (
        order_categories.filter(day.is_between(window_start(as_of), as_of))
        .group_by("customer_id")
        .agg(_categories=pl.col("product_category").cast(pl.Categorical).n_unique())  # codes count faster
    )


def category_universe(order_categories: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """One row: the number of distinct product categories bought by anyone up to D."""
    return order_categories.filter(pl.col("order_date") <= as_of).select(
        _all_categories=pl.col("product_category").n_unique()
    )


def revenue_12m() -> pl.Expr:
    """Sum of net_amount of completed orders dated in [D-364, D] (0.0 when none)."""
    return pl.col("_revenue").fill_null(0.0)


def gross_margin() -> pl.Expr:
    """(revenue_12m - sum of cost_amount) / revenue_12m over completed orders dated in [D-364, D];
    null when revenue_12m is 0."""
    return ratio(revenue_12m() - pl.col("_cost"), revenue_12m())


def discount_depth() -> pl.Expr:
    """Sum of discount_amount / sum of list_amount over completed orders dated in [D-364, D];
    null when the list amount is 0."""
    return ratio(pl.col("_discount"), pl.col("_list"))


def purchase_frequency() -> pl.Expr:
    """Distinct days with a completed order in [D-364, D] / months observed, where months observed =
    (days from the first completed order ever to D, + 1) / 30.4375 clamped to [1, 12];
    0.0 without a completed order up to D."""
    days_observed = days_between(pl.col("as_of_date"), pl.col("_first_completed")) + 1
    months = (days_observed / DAYS_PER_MONTH).clip(1.0, MAX_MONTHS_OBSERVED)
    return (pl.col("_order_days") / months).fill_null(0.0)


def recency_days() -> pl.Expr:
    """D minus the date of the last completed order on or before D, in days; null without one."""
    return days_between(pl.col("as_of_date"), pl.col("_last_completed"))


def growth_trend() -> pl.Expr:
    """(r1 - r0) / (r1 + r0) with r1 = net_amount of completed orders dated in [D-181, D] and
    r0 = in [D-364, D-182]; null when r1 + r0 is 0."""
    recent, prior = pl.col("_revenue_recent"), pl.col("_revenue_prior")
    return ratio(recent - prior, recent + prior)


def product_breadth() -> pl.Expr:
    """Distinct product categories of the customer's completed orders dated in [D-364, D] /
    distinct categories bought by all customers up to D; null when fewer than two categories were bought up
    to D (one category says nothing about breadth)."""
    universe = pl.col("_all_categories")
    return pl.when(universe >= 2).then(ratio(pl.col("_categories").fill_null(0), universe))


def premium_share() -> pl.Expr:
    """Sum of premium_net_amount of completed orders dated in [D-364, D] / revenue_12m;
    null when revenue_12m is 0."""
    return ratio(pl.col("_premium"), revenue_12m())


def service_share() -> pl.Expr:
    """Sum of service_net_amount of completed orders dated in [D-364, D] / revenue_12m;
    null when revenue_12m is 0."""
    return ratio(pl.col("_service"), revenue_12m())


def return_rate() -> pl.Expr:
    """Returned orders / (completed + returned orders) dated in [D-364, D]; null when there are none."""
    returned = pl.col("_returned")
    return ratio(returned, returned + pl.col("_completed"))


def orders_12m() -> pl.Expr:
    """Number of completed orders dated in [D-364, D]."""
    return pl.col("_completed").fill_null(0).cast(pl.Int64)
