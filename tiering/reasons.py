"""Trait values in words a salesperson reads, as Polars expressions."""

import polars as pl

# trait -> (how to print the value, sentence around it)
TRAIT_WORDING: dict[str, tuple[str, str]] = {
    "revenue_12m": ("money", "{} in the last 12 months"),
    "gross_margin": ("percent", "{} gross margin"),
    "discount_depth": ("percent", "{} off list price on average"),
    "purchase_frequency": ("decimal", "{} purchase days a month"),
    "recency_days": ("integer", "last order {} days ago"),
    "tenure_days": ("integer", "customer for {} days"),
    "growth_trend": ("signed_percent", "revenue trend {} (last 6 months vs the 6 before)"),
    "payment_delay_days": ("decimal", "{} days late on average"),
    "on_time_rate": ("percent", "{} of invoices paid on time"),
    "overdue_amount": ("money", "{} overdue"),
    "product_breadth": ("percent", "buys {} of the categories"),
    "premium_share": ("percent", "{} of revenue from premium lines"),
    "service_share": ("percent", "{} of revenue from paid services"),
    "return_rate": ("percent", "{} of orders returned"),
    "orders_12m": ("integer", "{} orders in 12 months"),
    "tickets_12m": ("integer", "{} tickets in 12 months"),
    "tickets_per_order": ("decimal", "{} support tickets per order"),
    "complaint_share": ("percent", "{} of tickets are complaints"),
    "escalation_rate": ("percent", "{} of tickets escalated"),
    "p_alive": ("percent", "{} chance of still being active"),
    "expected_purchases_12m": ("decimal", "{} purchases expected in the next 12 months"),
    "expected_value_12m": ("money", "{} expected in the next 12 months"),
}


def format_value(value: pl.Expr, kind: str, currency: str) -> pl.Expr:
    """The value as short text: 12%, 3.4, 1520 USD."""
    if kind == "percent":
        return (value * 100).round(0).cast(pl.Int64).cast(pl.String) + "%"
    if kind == "signed_percent":
        pct = (value * 100).round(0).cast(pl.Int64)
        return pl.when(pct > 0).then(pl.lit("+")).otherwise(pl.lit("")) + pct.cast(pl.String) + "%"
    if kind == "money":
        return value.round(0).cast(pl.Int64).cast(pl.String) + f" {currency}"
    if kind == "integer":
        return value.round(0).cast(pl.Int64).cast(pl.String)
    return value.round(1).cast(pl.String)


def describe_trait(trait: str, value: pl.Expr, currency: str) -> pl.Expr:
    """'12% off list price on average' for a trait value."""
    kind, sentence = TRAIT_WORDING[trait]
    before, after = sentence.split("{}")
    return pl.lit(before) + format_value(value, kind, currency) + pl.lit(after)
