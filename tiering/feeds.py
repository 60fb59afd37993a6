"""The landing feeds, one declaration each: the input contract from which the rest derives.

A feed is a sub-folder of the landing folder. Its declaration gives its columns (DuckDB type, required or not),
key, parents (the feeds its references point to) and row rules. From it derive: the raw tables and the ingest's
quarantine checks (tiering/warehouse/ingest.py, tiering/warehouse/quality/row_checks.py), the Great Expectations suites of the raw
tables (tiering/warehouse/quality/suites.py), the load order of the raw assets (assets/ingest.py), and the feed table of the
README and docs/feeds.md (tiering/feed_docs.py).

A row rule quarantines a row that breaks it at load time when it has a `reason` (the rejected row's reason is
"<column>: <reason>"), and is verified after the load by the Great Expectations check its `check` names: a
failed "gx_blocking" stops the run, a failed "gx_warn" only warns.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # DuckDB type; a value that does not cast to it makes the row unusable
    required: bool = True  # a missing value (null) makes the row unusable
    note: str = ""  # what the docs say about it beyond name and type


@dataclass(frozen=True)
class Parent:
    """A reference: a non-null `column` must name a row of the feed `feed` by its `feed_column`; a row whose
    parent does not exist (an orphan) is quarantined."""

    column: str
    feed: str
    feed_column: str

    @property
    def reason(self) -> str:
        return f"orphan: {self.column} not in {self.feed}"


@dataclass(frozen=True)
class NonNegative:
    """Not below zero: quarantined, and a blocking check."""

    column: str
    reason = "negative"
    check = "gx_blocking"


@dataclass(frozen=True)
class Positive:
    """Above zero: quarantined, and a blocking check."""

    column: str
    reason = "not positive"
    check = "gx_blocking"


@dataclass(frozen=True)
class PlausibleDate:
    """A date (or timestamp) within [first, last]: quarantined outside."""

    column: str
    first: date = date(1900, 1, 1)
    last: date = date(2100, 12, 31)
    reason = "impossible date"
    check = None


@dataclass(frozen=True)
class NotBefore:
    """Not before the `earlier` column of the same row: quarantined, and a blocking check."""

    column: str
    earlier: str
    check = "gx_blocking"

    @property
    def reason(self) -> str:
        return f"before {self.earlier}"


@dataclass(frozen=True)
class OneOf:
    """One of `values`: a warning check."""

    column: str
    values: tuple[str, ...]
    reason = None
    check = "gx_warn"


@dataclass(frozen=True)
class NotAfterAsOf:
    """The date of an event, which cannot lie after the as-of date of the run: a warning check."""

    column: str
    reason = None
    check = "gx_warn"


@dataclass(frozen=True)
class Difference:
    """column = minuend - subtrahend within a cent: a warning check."""

    column: str
    minuend: str
    subtrahend: str
    reason = None
    check = "gx_warn"


RowRule = NonNegative | Positive | PlausibleDate | NotBefore | OneOf | NotAfterAsOf | Difference


@dataclass(frozen=True)
class Feed:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    parents: tuple[Parent, ...] = ()
    rules: tuple[RowRule, ...] = ()  # quarantine reasons are given in this order
    optional: bool = False  # the folder may be absent

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def rules_of(self, kind: type) -> list:
        return [r for r in self.rules if isinstance(r, kind)]


ORDER_STATUSES = ("completed", "cancelled", "returned")
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_CATEGORIES = ("question", "bug", "complaint", "billing", "feature_request")

FEEDS: dict[str, Feed] = {
    f.name: f
    for f in (
        Feed(
            "customers",
            "One row per customer account with its firmographics.",
            (
                Column("customer_id", "VARCHAR"),
                Column("name", "VARCHAR", required=False),
                Column("industry", "VARCHAR", required=False),
                Column("employees", "INTEGER", required=False),
                Column("region", "VARCHAR", required=False),
                Column("signup_date", "DATE"),
            ),
            key=("customer_id",),
            rules=(PlausibleDate("signup_date"), NonNegative("employees"), NotAfterAsOf("signup_date")),
        ),
        Feed(
            "orders",
            "Order headers: completed, cancelled or returned.",
            (
                Column("order_id", "VARCHAR"),
                Column("customer_id", "VARCHAR"),
                Column("order_date", "DATE"),
                Column("status", "VARCHAR"),
                Column("currency", "VARCHAR"),
            ),
            key=("order_id",),
            parents=(Parent("customer_id", "customers", "customer_id"),),
            rules=(PlausibleDate("order_date"), OneOf("status", ORDER_STATUSES), NotAfterAsOf("order_date")),
        ),
        Feed(
            "order_lines",
            "Order lines in the order's currency.",
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
            key=("order_id", "line_no"),
            parents=(Parent("order_id", "orders", "order_id"),),
            rules=(
                *(
                    NonNegative(c)
                    for c in ("quantity", "list_amount", "discount_amount", "net_amount", "cost_amount")
                ),
                Difference("net_amount", "list_amount", "discount_amount"),
            ),
        ),
        Feed(
            "invoices",
            "Invoices, in the currency of their order (the base currency without an order).",
            (
                Column("invoice_id", "VARCHAR"),
                Column("customer_id", "VARCHAR"),
                Column("order_id", "VARCHAR", required=False),
                Column("issued_date", "DATE"),
                Column("due_date", "DATE"),
                Column("amount", "DECIMAL(18,2)"),
            ),
            key=("invoice_id",),
            parents=(
                Parent("customer_id", "customers", "customer_id"),
                Parent("order_id", "orders", "order_id"),
            ),
            rules=(
                NonNegative("amount"),
                PlausibleDate("issued_date"),
                NotBefore("due_date", "issued_date"),
                NotAfterAsOf("issued_date"),
            ),
        ),
        Feed(
            "payments",
            "Payments against invoices; several partial payments per invoice are allowed.",
            (
                Column("payment_id", "VARCHAR"),
                Column("invoice_id", "VARCHAR"),
                Column("paid_date", "DATE"),
                Column("amount", "DECIMAL(18,2)", note="partial payments allowed"),
            ),
            key=("payment_id",),
            parents=(Parent("invoice_id", "invoices", "invoice_id"),),
            rules=(NonNegative("amount"), PlausibleDate("paid_date"), NotAfterAsOf("paid_date")),
        ),
        Feed(
            "support_tickets",
            "Support tickets with priority, category and escalation flag.",
            (
                Column("ticket_id", "VARCHAR"),
                Column("customer_id", "VARCHAR"),
                Column("opened_at", "TIMESTAMP"),
                Column("closed_at", "TIMESTAMP", required=False),
                Column("priority", "VARCHAR"),
                Column("category", "VARCHAR"),
                Column("escalated", "BOOLEAN"),
            ),
            key=("ticket_id",),
            parents=(Parent("customer_id", "customers", "customer_id"),),
            rules=(
                PlausibleDate("opened_at"),
                NotBefore("closed_at", "opened_at"),
                OneOf("priority", TICKET_PRIORITIES),
                OneOf("category", TICKET_CATEGORIES),
                NotAfterAsOf("opened_at"),
                NotAfterAsOf("closed_at"),
            ),
        ),
        Feed(
            "fx_rates",
            "Conversion rates: one unit of currency = rate_to_base units of the policy's base currency.",
            (
                Column("currency", "VARCHAR"),
                Column(
                    "rate_to_base", "DOUBLE", note="one unit of the currency in the policy's base currency"
                ),
            ),
            key=("currency",),
            rules=(Positive("rate_to_base"),),
            optional=True,
        ),
    )
}
