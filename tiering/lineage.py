"""Column lineage: the upstream columns each column of the staging, traits, scoring and mart tables is made of.

Read from the SQL files; each trait column's from its declaration (`reads`, tiering/traits/__init__.py). A test
checks every column named here exists and that the tier traces back to every raw feed. Columns are
"schema.table.column"; tables are Dagster asset keys.
"""

from tiering.clv.traits import FORECAST_COLUMNS
from tiering.policy import Policy
from tiering.traits import CUSTOMER_TRAITS

Lineage = dict[str, tuple[str, ...]]


def _same(table: str, columns: str) -> Lineage:
    """Columns passed through unchanged (or just trimmed and cased) from `table`."""
    return {column: (f"{table}.{column}",) for column in columns.split()}


def _from(table: str, columns: str) -> tuple[str, ...]:
    return tuple(f"{table}.{column}" for column in columns.split())


_RATE = _from("staging.fx_rates", "rate_to_base") + _from("raw.orders", "currency")
_LINE_AMOUNTS = "net_amount list_amount discount_amount cost_amount"
_TRAIT_NAMES = " ".join(trait.name for trait in CUSTOMER_TRAITS)

LINEAGE: dict[str, Lineage] = {
    "staging.fx_rates": _same("raw.fx_rates", "currency rate_to_base"),
    "staging.customers": _same(
        "raw.customers", "customer_id name industry employees region account_owner signup_date parent_id"
    ),
    "staging.orders": {
        **_same("raw.orders", "order_id customer_id order_date status currency"),
        **{c: (f"raw.order_lines.{c}", *_RATE) for c in _LINE_AMOUNTS.split()},
        "premium_net_amount": (*_from("raw.order_lines", "net_amount is_premium"), *_RATE),
        "service_net_amount": (*_from("raw.order_lines", "net_amount is_service"), *_RATE),
        "line_count": _from("raw.order_lines", "line_no"),
    },
    "staging.order_categories": {
        "customer_id": _from("raw.orders", "customer_id status"),
        "product_category": _from("raw.order_lines", "product_category"),
        "order_date": _from("raw.orders", "order_date status"),
    },
    "staging.invoices": {
        **_same("raw.invoices", "invoice_id customer_id order_id issued_date due_date"),
        "amount": ("raw.invoices.amount", *_RATE),
        "rate_to_base": _RATE,
    },
    "staging.payments": {
        **_same("raw.payments", "payment_id invoice_id paid_date"),
        "amount": ("raw.payments.amount", "staging.invoices.rate_to_base"),
    },
    "staging.tickets": _same(
        "raw.support_tickets", "ticket_id customer_id opened_at closed_at priority category escalated"
    ),
    "staging.opportunities": _same(
        "raw.opportunities",
        "opportunity_id customer_id created_date expected_close_date amount expected_margin stage probability",
    ),
    # the forecast's fits read each customer's completed orders (sql/forecast/completed_orders.sql)
    "forecast.customer_value": {
        column: _from("staging.orders", "customer_id order_date net_amount status")
        for column in FORECAST_COLUMNS
    },
    "marts.customer_traits": {
        "customer_id": ("staging.customers.customer_id",),
        **{trait.name: trait.reads for trait in CUSTOMER_TRAITS},
    },
    "marts.tier_history": {
        "customer_id": ("scoring.customer_scores.customer_id",),
        **_same("scoring.customer_scores", "score tier action segment"),
    },
    "marts.customer_tiers": {
        "customer_id": ("marts.customer_traits.customer_id",),
        "customer_name": ("staging.customers.name",),
        "account_owner": ("staging.customers.account_owner",),
        "as_of_date": ("marts.customer_traits.as_of_date",),
        **_same(
            "scoring.customer_scores", "score tier action reasons knockouts changes tier_held newly_rising"
        ),
        "previous_tier": ("marts.tier_history.tier",),
        "tier_changed": ("marts.tier_history.tier", "scoring.customer_scores.tier"),
        "score_change": ("marts.tier_history.score", "scoring.customer_scores.score"),
        **_same("staging.customers", "industry employees region"),
        **_same("marts.customer_traits", _TRAIT_NAMES),
    },
    "marts.prospect_priorities": {
        **_same("marts.customer_tiers", "customer_id as_of_date tier fit_score"),
        "days_to_close": _from("staging.opportunities", "expected_close_date stage created_date"),
        "pipeline_amount": _from("staging.opportunities", "amount stage created_date"),
        "expected_margin": _from("staging.opportunities", "amount expected_margin stage created_date"),
        "open_opportunities": _from("staging.opportunities", "opportunity_id stage created_date"),
        "priority": _from("staging.opportunities", "expected_close_date expected_margin amount stage"),
    },
    "marts.account_tiers": {
        "account_id": ("staging.customers.customer_id", "staging.customers.parent_id"),
        "account_name": ("staging.customers.name",),
        "account_owner": ("staging.customers.account_owner",),
        "as_of_date": ("marts.customer_traits.as_of_date",),
        "children": ("staging.customers.parent_id",),
        **{
            trait.name: (f"marts.customer_traits.{trait.name}", "staging.customers.parent_id")
            for trait in CUSTOMER_TRAITS
        },
    },
    "marts.tier_summary": {
        **_same("marts.tier_history", "as_of_date tier action"),
        "customers": ("marts.tier_history.customer_id",),
        "revenue_12m": ("marts.customer_traits.revenue_12m",),
        "gross_margin": _from("marts.customer_traits", "gross_margin revenue_12m"),
        "mean_payment_delay_days": ("marts.customer_traits.payment_delay_days",),
        "tickets_per_order": _from("marts.customer_traits", "tickets_12m orders_12m"),
        "mean_score": ("marts.tier_history.score",),
    },
    "marts.tier_movements": {
        "as_of_date": ("marts.tier_history.as_of_date",),
        "from_tier": ("marts.tier_history.tier",),
        "to_tier": ("marts.tier_history.tier",),
        "customers": ("marts.tier_history.customer_id",),
        "revenue_12m": ("marts.customer_traits.revenue_12m",),
    },
}


def scores_lineage(policy: Policy) -> Lineage:
    """scoring.customer_scores: the score from the traits and profile fields the policy scores, the tier and
    action also from its knock-out traits; a prospect's (no last order: recency_days) from its profile alone."""
    profile = [f"staging.customers.{field}" for field, rule in policy.profile if rule is not None]
    signal = _from("staging.signals", "signal signal_date value")  # a signal trait's, declared by the policy
    traits = [
        (*signal,) if trait in policy.signals else (f"marts.customer_traits.{trait}",)
        for trait in policy.traits
    ]
    scored = [*(column for columns in traits for column in columns), *profile]
    segment = "marts.customer_traits.recency_days"
    capped = [*scored, *(f"marts.customer_traits.{k.trait}" for k in policy.knockouts), segment]
    return {
        **_same("marts.customer_traits", "customer_id as_of_date"),
        "segment": (segment,),
        "score": tuple(dict.fromkeys((*scored, segment))),
        "fit_score": tuple(profile),
        "tier": tuple(dict.fromkeys(capped)),
        "action": tuple(dict.fromkeys(capped)),
        "reasons": tuple(dict.fromkeys(capped)),
        "knockouts": tuple(f"marts.customer_traits.{k.trait}" for k in policy.knockouts),
        "tier_held": tuple(dict.fromkeys((*capped, "marts.tier_history.tier"))),
        "changes": tuple(dict.fromkeys(scored)),  # today's and the previous as-of date's
        "newly_rising": ("marts.customer_traits.rising",),
    }
