"""Support traits: ticket volume, complaints and escalations over tickets opened in the window."""

from datetime import date

import polars as pl

from tiering.traits.common import ratio, window_start
from tiering.traits.orders import orders_12m


def ticket_aggregates(tickets: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Per-customer ticket counts over tickets whose opened_at date is in the window, in one group_by."""
    return (
        tickets.filter(pl.col("opened_at").dt.date().is_between(window_start(as_of), as_of))
        .group_by("customer_id")
        .agg(
            _tickets=pl.len(),
            _complaints=(pl.col("category") == "complaint").sum(),
            _escalated=pl.col("escalated").sum(),
        )
    )


def tickets_12m() -> pl.Expr:
    """Number of tickets whose opened_at date is in [D-364, D]."""
    return pl.col("_tickets").fill_null(0).cast(pl.Int64)


def tickets_per_order() -> pl.Expr:
    """tickets_12m / max(1, orders_12m)."""
    return tickets_12m() / pl.max_horizontal(1, orders_12m())


def complaint_share() -> pl.Expr:
    """Complaint tickets / tickets_12m; null when tickets_12m is 0."""
    return ratio(pl.col("_complaints"), tickets_12m())


def escalation_rate() -> pl.Expr:
    """Escalated tickets / tickets_12m; null when tickets_12m is 0."""
    return ratio(pl.col("_escalated"), tickets_12m())
