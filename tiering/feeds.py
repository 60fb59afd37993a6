"""The landing feeds: one sub-folder per feed, its columns and their DuckDB types (the input contract)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    required: bool = True  # a null here makes the row unusable


@dataclass(frozen=True)
class Feed:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str
    optional: bool = False  # the folder may be absent

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


FEEDS: dict[str, Feed] = {
    f.name: f
    for f in (
        Feed(
            "customers",
            ("customer_id",),
            (
                Column("customer_id", "VARCHAR"),
                Column("name", "VARCHAR", required=False),
                Column("industry", "VARCHAR", required=False),
                Column("employees", "INTEGER", required=False),
                Column("region", "VARCHAR", required=False),
                Column("signup_date", "DATE"),
            ),
            "One row per customer account with its firmographics.",
        ),
        Feed(
            "orders",
            ("order_id",),
            (
                Column("order_id", "VARCHAR"),
                Column("customer_id", "VARCHAR"),
                Column("order_date", "DATE"),
                Column("status", "VARCHAR"),
                Column("currency", "VARCHAR"),
            ),
            "Order headers: completed, cancelled or returned.",
        ),
        Feed(
            "order_lines",
            ("order_id", "line_no"),
            (
                Column("order_id", "VARCHAR"),
                Column("line_no", "INTEGER"),
                Column("product_category", "VARCHAR"),
                Column("is_premium", "BOOLEAN"),
                Column("is_service", "BOOLEAN"),
                Column("quantity", "DOUBLE"),
                Column("list_amount", "DECIMAL(18,2)"),
                Column("discount_amount", "DECIMAL(18,2)"),
                Column("net_amount", "DECIMAL(18,2)"),
                Column("cost_amount", "DECIMAL(18,2)"),
            ),
            "Order lines in the order's currency.",
        ),
        Feed(
            "invoices",
            ("invoice_id",),
            (
                Column("invoice_id", "VARCHAR"),
                Column("customer_id", "VARCHAR"),
                Column("order_id", "VARCHAR", required=False),
                Column("issued_date", "DATE"),
                Column("due_date", "DATE"),
                Column("amount", "DECIMAL(18,2)"),
            ),
            "Invoices, in the currency of their order (the base currency without an order).",
        ),
        Feed(
            "payments",
            ("payment_id",),
            (
                Column("payment_id", "VARCHAR"),
                Column("invoice_id", "VARCHAR"),
                Column("paid_date", "DATE"),
                Column("amount", "DECIMAL(18,2)"),
            ),
            "Payments against invoices; several partial payments per invoice are allowed.",
        ),
        Feed(
            "support_tickets",
            ("ticket_id",),
            (
                Column("ticket_id", "VARCHAR"),
                Column("customer_id", "VARCHAR"),
                Column("opened_at", "TIMESTAMP"),
                Column("closed_at", "TIMESTAMP", required=False),
                Column("priority", "VARCHAR"),
                Column("category", "VARCHAR"),
                Column("escalated", "BOOLEAN"),
            ),
            "Support tickets with priority, category and escalation flag.",
        ),
        Feed(
            "fx_rates",
            ("currency",),
            (
                Column("currency", "VARCHAR"),
                Column("rate_to_base", "DOUBLE"),
            ),
            "Conversion rates: one unit of currency = rate_to_base units of the policy's base currency.",
            optional=True,
        ),
    )
}

ORDER_STATUSES = ("completed", "cancelled", "returned")
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_CATEGORIES = ("question", "bug", "complaint", "billing", "feature_request")
