"""The landing feeds, one declaration each: the input contract from which the rest derives.

A feed is a sub-folder of the landing folder. Its declaration gives its columns (DuckDB type, required or not),
key, parents (the feeds its references point to) and row rules. From it derive: the raw tables and the ingest's
quarantine checks (tiering/warehouse/ingest.py, tiering/warehouse/quality/row_checks.py), the Great Expectations suites of the raw
tables (tiering/warehouse/quality/suites.py), the load order of the raw assets (assets/ingest.py), and the feed table of the
README and docs/feeds.md (tiering/feed_docs.py).

The key rule: every key and reference column is trimmed, and a blank value is missing; its case is kept as the
source wrote it (Feed.text_of; a Column's `text` overrides it, as for currency codes, upper-cased).

A row rule quarantines a row that breaks it at load time when it has a `reason` (the rejected row's reason is
"<column>: <reason>"), and is verified after the load by the Great Expectations check its `check` names: a
failed "gx_blocking" stops the run, a failed "gx_warn" only warns (the summary of `tiers run` lists it). A rule
across tables (NotBeforeParent, TotalNotAboveParent) compares a row with its parent's row, through one of its
references.
"""

from dataclasses import dataclass
from datetime import date
from enum import Enum

ROW_POSITION = (
    "row position"  # Column.default: the row's position (1, 2, ...) among the data rows of its file
)


class Text(Enum):
    """How a column's text is read before its type is applied (CSV text, and Parquet text columns)."""

    AS_READ = "as read"
    TRIMMED = "trimmed; blank (empty or only spaces) is missing"
    CODE = "trimmed and in upper case; blank is missing"


@dataclass(frozen=True)
class Column:
    """A column of a feed. A required one must be in every file of the feed (of an optional feed: when it is given) with a
    value in every row: a file without it is refused, a row without a value quarantined. An optional one may be
    missing from a file or empty: it is then `default` (a value, or ROW_POSITION) when it has one, else NULL,
    and `absent` says what that means."""

    name: str
    sql_type: str  # DuckDB type; a value that does not cast to it makes the row unusable
    required: bool = True
    absent: str = ""  # what a missing or empty optional value means
    default: object = None  # the value given at load time to a missing or empty optional value
    note: str = ""  # what the docs say about it beyond name and type
    # how its text is read; None: trimmed for a key or reference column (Feed.text_of), as read otherwise
    text: Text | None = None


UNKNOWN = "NULL: unknown"


def optional_column(name: str, sql_type: str, absent: str = UNKNOWN, **kwargs) -> Column:
    return Column(name, sql_type, required=False, absent=absent, **kwargs)


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
class Share:
    """A fraction from 0 to 1 (a probability, a margin): quarantined outside, and a blocking check."""

    column: str
    reason = "not between 0 and 1"
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


@dataclass(frozen=True)
class KnownIn:
    """A non-null value names a row of `feed` by its `feed_column`, as a reference does, but a row that names an
    unknown one is kept (a parent account not in the feed): a warning check."""

    column: str
    feed: str
    feed_column: str
    reason = None
    check = "gx_warn"


@dataclass(frozen=True)
class NotBeforeParent:
    """Not before the `parent_column` date of the row's parent, the row its reference `via` (a column of the
    feed's parents) names: a warning check."""

    column: str
    via: str
    parent_column: str
    reason = None
    check = "gx_warn"


@dataclass(frozen=True)
class TotalNotAboveParent:
    """The sum of `column` over the rows that name one parent through the reference `via` not above that
    parent's `parent_column` (several partial payments of an invoice, together not more than it): a warning
    check."""

    column: str
    via: str
    parent_column: str
    reason = None
    check = "gx_warn"


RowRule = (
    NonNegative
    | Positive
    | Share
    | PlausibleDate
    | NotBefore
    | OneOf
    | NotAfterAsOf
    | Difference
    | KnownIn
    | NotBeforeParent
    | TotalNotAboveParent
)


@dataclass(frozen=True)
class Feed:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    parents: tuple[Parent, ...] = ()
    rules: tuple[RowRule, ...] = ()  # quarantine reasons are given in this order
    optional: bool = False  # the folder may be absent: its raw and staging tables are then empty

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def rules_of(self, kind: type) -> list:
        return [r for r in self.rules if isinstance(r, kind)]

    @property
    def identifiers(self) -> tuple[str, ...]:
        """The key columns and the reference columns: the values rows are matched by."""
        return tuple(dict.fromkeys((*self.key, *(p.column for p in self.parents))))

    def text_of(self, column: Column) -> Text:
        """The key rule: a key or reference is trimmed and blank is missing, its case kept as the source has it
        (a column's own `text` overrides it, as a currency code's upper case does)."""
        if column.text is not None:
            return column.text
        return Text.TRIMMED if column.name in self.identifiers else Text.AS_READ

    def parent(self, column: str) -> Parent:
        """The reference made by `column`."""
        return next(p for p in self.parents if p.column == column)


ORDER_STATUSES = ("completed", "cancelled", "returned")
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_CATEGORIES = ("question", "bug", "complaint", "billing", "feature_request")
OPPORTUNITY_STAGES = ("open", "won", "lost")

NO_TRAIT = "NULL: unknown; the traits that need it are left out"
LINE_AMOUNT = "NULL: unknown; an order's amount is known only when every line has it"

FEEDS: dict[str, Feed] = {
    f.name: f
    for f in (
        Feed(
            "customers",
            "One row per customer account with its firmographics.",
            (
                Column("customer_id", "VARCHAR"),
                optional_column("name", "VARCHAR"),
                optional_column("industry", "VARCHAR", "NULL: unknown; not in a target industry"),
                optional_column("employees", "INTEGER", "NULL: unknown; not in a target size"),
                optional_column("region", "VARCHAR", "NULL: unknown; not in a target region"),
                optional_column(
                    "account_owner",
                    "VARCHAR",
                    "NULL: no owner; the account's alerts go to the digest only",
                    note="the salesperson who owns the account: an e-mail (alerts are mailed to it) or a name",
                ),
                optional_column(
                    "signup_date",
                    "DATE",
                    "NULL: unknown; the customer is known on every as-of date, no tenure",
                ),
                optional_column(
                    "parent_id",
                    "VARCHAR",
                    "NULL: a top-level account",
                    note="the customer_id of the parent company: its group is one account in marts.account_tiers",
                    text=Text.TRIMMED,
                ),
            ),
            key=("customer_id",),
            rules=(
                PlausibleDate("signup_date"),
                NonNegative("employees"),
                NotAfterAsOf("signup_date"),
                KnownIn("parent_id", "customers", "customer_id"),
            ),
        ),
        Feed(
            "orders",
            "Order headers: completed, cancelled or returned.",
            (
                Column("order_id", "VARCHAR"),
                Column("customer_id", "VARCHAR"),
                Column("order_date", "DATE"),
                optional_column("status", "VARCHAR", "completed", default="completed"),
                optional_column(
                    "currency",
                    "VARCHAR",
                    "the policy's base currency (`base_currency`), applied in staging",
                    text=Text.CODE,
                ),
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
                optional_column(
                    "line_no",
                    "INTEGER",
                    "the row's position among the data rows of its file (1, 2, ...)",
                    default=ROW_POSITION,
                ),
                optional_column("product_category", "VARCHAR", "NULL: unknown; not a category bought"),
                optional_column("is_premium", "BOOLEAN", NO_TRAIT),
                optional_column("is_service", "BOOLEAN", NO_TRAIT),
                optional_column("quantity", "DOUBLE"),
                optional_column("list_amount", "DECIMAL(18,2)", LINE_AMOUNT),
                optional_column("discount_amount", "DECIMAL(18,2)", LINE_AMOUNT),
                Column("net_amount", "DECIMAL(18,2)"),
                optional_column("cost_amount", "DECIMAL(18,2)", LINE_AMOUNT),
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
                optional_column("order_id", "VARCHAR", "no order: in the base currency"),
                Column("issued_date", "DATE"),
                optional_column("due_date", "DATE", NO_TRAIT),
                optional_column("amount", "DECIMAL(18,2)", NO_TRAIT),
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
            optional=True,
        ),
        Feed(
            "payments",
            "Payments against invoices; several partial payments per invoice are allowed.",
            (
                Column("payment_id", "VARCHAR"),
                Column("invoice_id", "VARCHAR"),
                Column("paid_date", "DATE"),
                optional_column("amount", "DECIMAL(18,2)", NO_TRAIT, note="partial payments allowed"),
            ),
            key=("payment_id",),
            parents=(Parent("invoice_id", "invoices", "invoice_id"),),
            rules=(
                NonNegative("amount"),
                PlausibleDate("paid_date"),
                NotAfterAsOf("paid_date"),
                NotBeforeParent("paid_date", "invoice_id", "issued_date"),
                TotalNotAboveParent("amount", "invoice_id", "amount"),
            ),
            optional=True,
        ),
        Feed(
            "support_tickets",
            "Support tickets with priority, category and escalation flag.",
            (
                Column("ticket_id", "VARCHAR"),
                Column("customer_id", "VARCHAR"),
                Column("opened_at", "TIMESTAMP"),
                optional_column("closed_at", "TIMESTAMP", "NULL: still open"),
                optional_column("priority", "VARCHAR", NO_TRAIT),
                optional_column("category", "VARCHAR", NO_TRAIT),
                optional_column("escalated", "BOOLEAN", NO_TRAIT),
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
            optional=True,
        ),
        Feed(
            "opportunities",
            "Sales opportunities from the CRM: open, won or lost, each with its expected close date and amount.",
            (
                Column("opportunity_id", "VARCHAR"),
                Column("customer_id", "VARCHAR"),
                Column("created_date", "DATE"),
                Column("expected_close_date", "DATE"),
                Column("amount", "DECIMAL(18,2)", note="in the policy's base currency"),
                optional_column(
                    "expected_margin",
                    "DOUBLE",
                    "NULL: unknown; the opportunity ranks after those with a margin",
                    note="a share of the amount (0.25 = 25%)",
                ),
                Column("stage", "VARCHAR", note="trimmed and lower-cased in staging"),
                optional_column("probability", "DOUBLE", "NULL: unknown", note="of winning, 0 to 1"),
            ),
            key=("opportunity_id",),
            parents=(Parent("customer_id", "customers", "customer_id"),),
            rules=(
                NonNegative("amount"),
                Share("expected_margin"),
                Share("probability"),
                PlausibleDate("created_date"),
                PlausibleDate("expected_close_date"),
                NotBefore("expected_close_date", "created_date"),
                OneOf("stage", OPPORTUNITY_STAGES),
                NotAfterAsOf("created_date"),
            ),
            optional=True,
        ),
        Feed(
            "signals",
            "Anything numeric known of a customer on a date: NPS answers, product usage, referrals, testimonials. "
            "The policy's signals: section makes traits of them.",
            (
                Column("customer_id", "VARCHAR"),
                Column("signal", "VARCHAR", note="its name, as the policy's signals: section names it"),
                Column("signal_date", "DATE"),
                Column("value", "DOUBLE", note="a count is 1 a row"),
            ),
            key=("customer_id", "signal", "signal_date"),
            parents=(Parent("customer_id", "customers", "customer_id"),),
            rules=(PlausibleDate("signal_date"), NotAfterAsOf("signal_date")),
            optional=True,
        ),
        Feed(
            "fx_rates",
            "Conversion rates: one unit of currency = rate_to_base units of the policy's base currency.",
            (
                Column("currency", "VARCHAR", text=Text.CODE),
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
