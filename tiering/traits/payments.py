"""Payment traits: lateness, on-time rate and overdue balance, from invoices and payments as of D.

Only invoices issued on or before D and payments made on or before D are seen. An invoice is paid on the
first payment date at which its payments add up to its amount, less PAID_TOLERANCE.
"""

from datetime import date

import polars as pl

from tiering.traits.common import days_between, exact_sum, ratio, running_sum, window_start

PAID_TOLERANCE = 0.005


def invoice_status(invoices: pl.LazyFrame, payments: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """One row per invoice issued and due by D: customer, due date, amount, paid total and paid date.

    Each invoice (invoice_id is the feed's key) is numbered before its payments are joined: sorting and
    grouping on that number is much cheaper than on the invoice_id text."""
    paid = payments.filter(pl.col("paid_date") <= as_of).select(
        "invoice_id", "paid_date", paid_amount=pl.col("amount")
    )
    settled = pl.col("paid_to_date") >= pl.col("amount") - PAID_TOLERANCE
    return (
        invoices.filter((pl.col("issued_date") <= as_of) & (pl.col("due_date") <= as_of))
        .select("invoice_id", "customer_id", "due_date", "amount")
        .with_row_index("_invoice")
        .join(paid, on="invoice_id", how="left")
        .sort("_invoice", "paid_date")  # each invoice's payments as one run, in date order
        .with_columns(paid_to_date=running_sum(pl.col("paid_amount"), pl.col("_invoice")))
        .group_by("_invoice")
        .agg(
            pl.col("invoice_id", "customer_id", "due_date", "amount").first(),
            paid=exact_sum(pl.col("paid_amount")),
            paid_date=pl.when(settled).then(pl.col("paid_date")).min(),
        )
        .drop("_invoice")
    )


def payment_aggregates(invoices: pl.LazyFrame, payments: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Per-customer lateness sums over invoices due in the window, and the overdue balance."""
    due, amount, paid_date = pl.col("due_date"), pl.col("amount"), pl.col("paid_date")
    is_paid = paid_date.is_not_null()
    scored = (due >= window_start(as_of)) & (is_paid | (due < as_of))
    days_late = (
        pl.when(is_paid)
        .then(days_between(paid_date, due).clip(lower_bound=0))
        .otherwise(days_between(pl.lit(as_of), due))
    )
    return (
        invoice_status(invoices, payments, as_of)
        .group_by("customer_id")
        .agg(
            _scored_invoices=scored.sum(),
            _scored_amount=exact_sum(amount.filter(scored)),
            _late_amount_days=exact_sum((amount * days_late).filter(scored)),
            _on_time=(scored & is_paid & (paid_date <= due)).sum(),
            _overdue=exact_sum((amount - pl.col("paid")).clip(lower_bound=0).filter(due < as_of)),
        )
    )


def payment_delay_days() -> pl.Expr:
    """Amount-weighted mean days late over invoices issued by D and due in [D-364, D], an invoice being paid
    on the day its payments made up to D first add up to its amount less 0.005: max(0, paid date - due date)
    when paid, D - due date when unpaid and due before D (unpaid ones due on D are left out);
    null when no invoice qualifies or their amounts sum to 0."""
    return ratio(pl.col("_late_amount_days"), pl.col("_scored_amount"))


def on_time_rate() -> pl.Expr:
    """Share (by count) of the invoices scored by payment_delay_days that were paid on or before their due
    date, unpaid ones counting as late; null when there are none."""
    return ratio(pl.col("_on_time"), pl.col("_scored_invoices"))


def overdue_amount() -> pl.Expr:
    """Sum over all invoices issued by D and due before D of max(0, amount - payments made up to D);
    0.0 when none."""
    return pl.col("_overdue").fill_null(0.0)
