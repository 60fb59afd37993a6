"""The quality rules of the landing feeds beyond their column types: references, amounts, dates, categories.

Every name here is a fixed identifier of the feed contract; the ingest quarantines rows that break the
references and amounts, and the Great Expectations suites verify all of them after the load.
"""

from dataclasses import dataclass

from tiering.feeds import FEEDS, ORDER_STATUSES, TICKET_CATEGORIES, TICKET_PRIORITIES, Feed


@dataclass(frozen=True)
class ForeignKey:
    column: str
    parent: str
    parent_column: str

    @property
    def parent_feed(self) -> Feed:
        return FEEDS[self.parent]


FOREIGN_KEYS: dict[str, tuple[ForeignKey, ...]] = {
    "orders": (ForeignKey("customer_id", "customers", "customer_id"),),
    "order_lines": (ForeignKey("order_id", "orders", "order_id"),),
    "invoices": (
        ForeignKey("customer_id", "customers", "customer_id"),
        ForeignKey("order_id", "orders", "order_id"),
    ),
    "payments": (ForeignKey("invoice_id", "invoices", "invoice_id"),),
    "support_tickets": (ForeignKey("customer_id", "customers", "customer_id"),),
}

NON_NEGATIVE: dict[str, tuple[str, ...]] = {
    "customers": ("employees",),
    "order_lines": ("quantity", "list_amount", "discount_amount", "net_amount", "cost_amount"),
    "invoices": ("amount",),
    "payments": ("amount",),
}

# (earlier, later): the later one may not come before the earlier one
DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "invoices": (("issued_date", "due_date"),),
    "support_tickets": (("opened_at", "closed_at"),),
}

# the dates of events, which cannot lie after the as-of date of the run
EVENT_DATES: dict[str, tuple[str, ...]] = {
    "customers": ("signup_date",),
    "orders": ("order_date",),
    "invoices": ("issued_date",),
    "payments": ("paid_date",),
    "support_tickets": ("opened_at", "closed_at"),
}

CATEGORIES: dict[str, dict[str, tuple[str, ...]]] = {
    "orders": {"status": ORDER_STATUSES},
    "support_tickets": {"priority": TICKET_PRIORITIES, "category": TICKET_CATEGORIES},
}

TIERS = ("Ideal", "Acceptable", "Poor")
