"""The published output tables, their grain, every column's meaning and BI name: the one source of
docs/outputs.md, of the `bi` views and of the COMMENT ON statements in tiers.duckdb (tiering/warehouse/bi_layer.py).

The trait columns' meanings and BI names come from their declarations (tiering/traits/__init__.py).
"""

from dataclasses import dataclass

from tiering.backtest.metrics import FIGURES
from tiering.backtest.outcomes import RANKINGS
from tiering.policy import TIERS
from tiering.traits import CUSTOMER_TRAITS


@dataclass(frozen=True)
class BiColumn:
    name: str
    expression: str  # SQL over the mart
    meaning: str
    source: str | None  # the mart column it shows, None when derived


@dataclass(frozen=True)
class OutputTable:
    name: str  # schema.table of the mart
    grain: str
    purpose: str
    columns: dict[str, str]  # mart column -> meaning, in the table's column order
    example: str  # a query on the bi view

    @property
    def view(self) -> str:
        """The stable BI view over the mart: same table name, schema bi."""
        return f"bi.{self.name.split('.')[1]}"

    def bi_columns(self) -> list[BiColumn]:
        """The view's columns, in order: each mart column under its BI name, tier_order after tier."""
        out = []
        for column, meaning in self.columns.items():
            out.append(BiColumn(BI_NAMES.get(column, column), column, meaning, column))
            if column == "tier":
                out.append(BiColumn("tier_order", TIER_ORDER_SQL, TIER_ORDER_DOC, None))
        return out


# Mart columns whose names are pipeline shorthand get a name a BI user reads without the docs. One name per
# mart column, in every view, so a column means the same wherever it appears.
BI_NAMES = {
    **{trait.name: trait.bi_name for trait in CUSTOMER_TRAITS if trait.bi_name},
    "knockouts": "knockout_rules",
    "mean_payment_delay_days": "avg_days_paid_late",
    "mean_score": "avg_score",
}

# BI tools sort text alphabetically (Acceptable, Ideal, Poor): every view with a tier gets its rank beside it.
_RANKED = list(enumerate(TIERS, start=1))
TIER_ORDER_SQL = "CASE tier " + " ".join(f"WHEN '{tier}' THEN {n}" for n, tier in _RANKED) + " END"
_RANKS = ", ".join(f"{n} {tier}" for n, tier in _RANKED)  # 1 Ideal, 2 Acceptable, 3 Poor
TIER_ORDER_DOC = f"{_RANKS}: sort by it to list the best tier first (views only)."

# Each tier's fit and what sales does about it, in the words of the README (the policy names the actions).
TIER_FIT = {
    "Ideal": "fits the ideal-customer profile",
    "Acceptable": "fits part of it",
    "Poor": "fits little of it, or broke a knock-out rule",
}
TIER_TODO = {
    "Ideal": "pursue them every day",
    "Acceptable": "serve them well when they come to you",
    "Poor": "do not chase",
}

_TRAITS = {trait.name: trait.description for trait in CUSTOMER_TRAITS}
_IDENTITY = {
    "customer_id": "The customer's id, as in the customers feed.",
    "as_of_date": "The date D the row describes: only data dated up to D was used.",
}
_TIER = {
    "score": "0-100: the weighted mean of the points of every scored trait and profile criterion that has a "
    "value (see the policy file); one decimal. Null for a prospect, which has no traits to score: see fit_score.",
    "tier": "Ideal (score >= 70), Acceptable (>= 40) or Poor, after knock-out rules; near a cut-off the "
    "previous tier is kept until the score crosses it by the policy's hysteresis margin (cut-offs per policy). "
    "A prospect's comes from the profile alone: every criterion met Ideal, some Acceptable, none Poor.",
    "action": "What sales does: Proactive (Ideal), Reactive (Acceptable), No-fly zone (Poor).",
}

_ROLLUPS = {  # how an account's trait is made of its members' (Trait.rollup)
    "sum": "The sum of the",
    "weighted": "The revenue-weighted mean (the plain mean when no member has revenue) of the",
    "min": "The least",
    "max": "The greatest",
    "any": "True when any member is true: the",
}

_BACKTEST = {
    "scored_on": "The past date D the customers were scored as of, as the nightly run scores them: only data "
    "dated up to D used.",
    "horizon_days": "The days after D whose orders are the outcome, (D, D + horizon_days].",
    "policy_version": "The version of the policy scored with.",
}
_BACKTEST_TIER = {
    "score": "0-100, as the nightly run would have scored the customer on scored_on with the policy.",
    "tier": "The tier it would have given (hysteresis against the tier history of the day before, as the run).",
}
_OUTCOME = {
    "revenue_12m": "Net revenue of the customer's completed orders in the 12 months up to scored_on, base "
    "currency: what it brought before, to set beside what it brought after.",
    "outcome_revenue": "Net revenue of the customer's completed orders in the horizon, base currency.",
    "retained": "True when the customer placed a completed order in the horizon.",
}

OUTPUT_TABLES = (
    OutputTable(
        name="marts.customer_tiers",
        grain="one row per customer known on the run's last as-of date (signed up on or before it)",
        purpose="Who each customer is, the tier and action sales should apply, why, and how it moved.",
        columns={
            "customer_id": _IDENTITY["customer_id"],
            "customer_name": "The customer's name.",
            "account_owner": "The salesperson who owns the account (an e-mail or a name), from the customers feed; "
            "null when nobody does.",
            "as_of_date": _IDENTITY["as_of_date"],
            "segment": "customer, or prospect: no completed order up to as_of_date.",
            "score": _TIER["score"],
            "fit_score": "0-100: the weighted share of the policy's profile criteria (industry, employees, "
            "region) the account meets, an unknown value counted as not met; one decimal; null when the policy "
            "has no profile criteria. For everyone, customers and prospects.",
            "tier": _TIER["tier"],
            "action": _TIER["action"],
            "reasons": "Knock-outs first, then the three items that moved the score furthest from 50, strongest "
            "first: '+' lifted it, '-' pulled it down, with the value in words. A prospect's: each profile "
            "criterion, '+' met, '-' not met or unknown.",
            "knockouts": "The knock-out rules that capped the tier, in words; empty when none applied.",
            "previous_tier": "The tier on the previous as-of date in the history; null for a customer new since "
            "then (every customer on the first run).",
            "tier_changed": "True when the tier differs from previous_tier; false for a new customer.",
            "score_change": "score minus the score on the previous as-of date, one decimal; null for a new "
            "customer.",
            "changes": "What changed most since the previous as-of date: up to three scored items whose part of "
            "the score moved by 0.5 points or more, strongest first, '+' lifted it, '-' pulled it down, with its "
            "value now and then ('was'); empty when none moved that much; null for a customer new since then "
            "(every customer on the first run).",
            "tier_held": "True when the score alone would give another tier and the policy's hysteresis margin "
            "kept the previous one.",
            "newly_rising": "True when the customer is rising (see rising) and was not on the previous as-of "
            "date; a rising customer new since then counts.",
            "industry": "Industry from the customers feed, trimmed and lower-cased.",
            "employees": "Employee count from the customers feed.",
            "region": "Region from the customers feed.",
            **_TRAITS,
        },
        example="SELECT customer_name, score, action, reasons\nFROM bi.customer_tiers\n"
        "WHERE tier = 'Ideal'\nORDER BY revenue_last_12_months DESC\nLIMIT 20;",
    ),
    OutputTable(
        name="marts.customer_traits",
        grain="one row per customer known on the run's last as-of date",
        purpose="Every trait of every customer, as computed; the input of the scoring.",
        columns={**_IDENTITY, **_TRAITS},
        example="SELECT customer_id, avg_days_paid_late, share_invoices_paid_on_time, overdue_balance\n"
        "FROM bi.customer_traits\nWHERE overdue_balance > 0\nORDER BY overdue_balance DESC;",
    ),
    OutputTable(
        name="marts.prospect_priorities",
        grain="one row per prospect of marts.customer_tiers (no completed order yet) with an open opportunity "
        "created on or before as_of_date",
        purpose="Which prospects to work first, as seed 004 orders them: how soon they buy, then how profitable "
        "it is, then how much. From the optional opportunities feed; empty without it.",
        columns={
            "customer_id": _IDENTITY["customer_id"],
            "as_of_date": _IDENTITY["as_of_date"],
            "tier": "The prospect's tier, from the profile alone (see marts.customer_tiers).",
            "fit_score": "0-100: the weighted share of the policy's profile criteria it meets.",
            "days_to_close": "The nearest expected close date of its open opportunities minus as_of_date; "
            "negative when that date has passed and the opportunity is still open.",
            "pipeline_amount": "The sum of its open opportunities' amounts, base currency.",
            "expected_margin": "The amount-weighted expected margin of its open opportunities that give one "
            "(0.25 = 25%); null when none does.",
            "open_opportunities": "How many open opportunities it has.",
            "priority": "1 = work first. Ordered by the month of days_to_close (within 30 days, 31-60, ...; a "
            "date past counts as due now), then expected_margin (highest first, unknown last), then "
            "pipeline_amount (highest first), then customer_id.",
        },
        example="SELECT priority, customer_id, tier, days_to_close, expected_margin, pipeline_amount\n"
        "FROM bi.prospect_priorities\nORDER BY priority\nLIMIT 20;",
    ),
    OutputTable(
        name="marts.account_tiers",
        grain="one row per top-level account with children (customers.parent_id), on the newest as-of date run",
        purpose="A parent company and its subsidiaries as one relationship: the group's traits, score, tier and "
        "action. Empty without parent_id in the customers feed.",
        columns={
            "account_id": "The customer_id of the account's top company: the top of a chain of known parents.",
            "account_name": "The top company's name.",
            "account_owner": "The top company's account_owner.",
            "as_of_date": _IDENTITY["as_of_date"],
            "children": "The account's members besides its top company: every customer whose chain of parents "
            "leads to it.",
            "segment": "customer, or prospect when no member has a completed order up to as_of_date.",
            "score": _TIER["score"] + " Of the rolled-up traits, with the top company's firmographics.",
            "fit_score": "0-100: the share of the profile criteria the top company meets.",
            "tier": _TIER["tier"] + " No hysteresis: an account has no tier history.",
            "action": _TIER["action"],
            "reasons": "As in marts.customer_tiers, of the rolled-up traits.",
            "knockouts": "As in marts.customer_tiers, of the rolled-up traits.",
            **{
                trait.name: f"{_ROLLUPS[trait.rollup]} {trait.name} of the members (see marts.customer_traits)."
                for trait in CUSTOMER_TRAITS
            },
        },
        example="SELECT account_name, children, revenue_last_12_months, tier, action\nFROM bi.account_tiers\n"
        "ORDER BY tier_order, revenue_last_12_months DESC;",
    ),
    OutputTable(
        name="marts.tier_summary",
        grain="one row per as-of date run and tier (all three tiers, even when empty)",
        purpose="The size and economics of each tier over time: how many Ideal customers there are and what "
        "they bring.",
        columns={
            "as_of_date": _IDENTITY["as_of_date"],
            "tier": "Ideal, Acceptable or Poor.",
            "action": "The tier's action (null when the tier is empty).",
            "customers": "Customers in the tier.",
            "revenue_12m": "Sum of the customers' revenue_12m.",
            "gross_margin": "Revenue-weighted gross margin of the tier's customers with revenue.",
            "mean_payment_delay_days": "Mean of the customers' payment_delay_days (customers without one skipped).",
            "tickets_per_order": "Sum of tickets_12m / max(1, sum of orders_12m) over the tier; null when the tier has no "
            "ticket count (no support_tickets feed, or no customer).",
            "mean_score": "Mean score of the tier's customers.",
        },
        example="SELECT as_of_date, customers AS ideal_customers, revenue_last_12_months\n"
        "FROM bi.tier_summary\nWHERE tier = 'Ideal'\nORDER BY as_of_date;",
    ),
    OutputTable(
        name="marts.tier_history",
        grain="one row per customer and as-of date run",
        purpose="Every customer's score, tier and action on every as-of date run: who was Ideal when.",
        columns={
            "customer_id": _IDENTITY["customer_id"],
            "as_of_date": _IDENTITY["as_of_date"],
            **_TIER,
            "segment": "customer, or prospect (tiered by its fit alone); null in rows from before prospects.",
        },
        example="SELECT as_of_date, tier, count(*) AS customers\nFROM bi.tier_history\n"
        "GROUP BY as_of_date, tier, tier_order\nORDER BY as_of_date, tier_order;",
    ),
    OutputTable(
        name="marts.tier_movements",
        grain="one row per as-of date run and (previous tier, tier) pair that has customers",
        purpose="Who moved between tiers since the previous as-of date in the history, in customers and revenue.",
        columns={
            "as_of_date": _IDENTITY["as_of_date"],
            "from_tier": "The tier on the previous as-of date in the history; null for customers new since then "
            "(every customer on the first run).",
            "to_tier": "The tier on as_of_date; null for customers no longer present.",
            "customers": "Customers who made this move.",
            "revenue_12m": "Sum of their revenue_12m on as_of_date (null for customers no longer present).",
        },
        example="SELECT from_tier, to_tier, customers, revenue_last_12_months\nFROM bi.tier_movements\n"
        "WHERE as_of_date = (SELECT max(as_of_date) FROM bi.tier_movements)\n"
        "  AND from_tier IS DISTINCT FROM to_tier;",
    ),
    OutputTable(
        name="marts.tier_alerts",
        grain="one row per as-of date, alert (a customer that met the policy's alerts: rules) and destination",
        purpose="The alerts sent after each night's publishing (the digest of TIERS_ALERT_URLS, the owners' "
        "e-mails of TIERS_SMTP_URL) and whether each arrived. The alert step runs after the BI file is "
        "published, so the BI file and the exports hold the alerts of the nights before theirs; the working "
        "database holds tonight's too. No rows for a night without a destination configured.",
        columns={
            "as_of_date": _IDENTITY["as_of_date"],
            "customer_id": _IDENTITY["customer_id"],
            "from_tier": "The tier on the previous as-of date; null for a customer new since then.",
            "to_tier": "The tier on as_of_date.",
            "reason": "The alert rules it met (down from Ideal, into Ideal, newly rising), then why: the "
            "knock-outs that capped it and what changed most since the previous as-of date.",
            "account_owner": "The account's owner (marts.customer_tiers.account_owner); null when unowned.",
            "destination": "Where the alert went, without secrets: an Apprise URL of the digest with its tokens "
            "masked, or mailto:<owner> for the owner's e-mail.",
            "status": "'sent', or 'failed: ' and the error; a failed send never fails the run.",
        },
        example="SELECT as_of_date, customer_id, from_tier, to_tier, reason, destination, status\n"
        "FROM bi.tier_alerts\nWHERE status <> 'sent'\nORDER BY as_of_date DESC;",
    ),
    OutputTable(
        name="marts.policy_backtest_customers",
        grain="one row per backtest (scored_on, horizon_days, policy_version) and customer scored",
        purpose="Each customer as a backtest scored it on a past date, and what it did in the horizon after: "
        "the evidence behind marts.policy_backtest, to check one customer or cut it another way.",
        columns={**_BACKTEST, "customer_id": _IDENTITY["customer_id"], **_BACKTEST_TIER, **_OUTCOME},
        example="SELECT tier, avg(outcome_revenue) AS revenue_after, avg(retained::INT) AS retained\n"
        "FROM bi.policy_backtest_customers\nWHERE scored_on = (SELECT max(scored_on) FROM "
        "bi.policy_backtest_customers)\nGROUP BY tier, tier_order\nORDER BY tier_order;",
    ),
    OutputTable(
        name="marts.policy_backtest",
        grain="one row per backtest (scored_on, horizon_days, policy_version) and tier (all three, even empty)",
        purpose="Were the tiers right? What each tier's customers went on to bring in the horizon after the date "
        "they were scored on: the tiers of a good policy separate future revenue and retention.",
        columns={
            **_BACKTEST,
            "tier": "Ideal, Acceptable or Poor, as scored on scored_on.",
            "customers": "Customers scored into the tier.",
            "outcome_revenue": "Their net revenue of completed orders in the horizon.",
            "revenue_share": "outcome_revenue / the outcome revenue of all tiers; null when nobody bought.",
            "revenue_per_customer": "outcome_revenue / customers; null for an empty tier.",
            "retained_share": "Share of the tier's customers with a completed order in the horizon; null for an "
            "empty tier.",
        },
        example="SELECT tier, customers, revenue_share, revenue_per_customer, retained_share\n"
        "FROM bi.policy_backtest\nWHERE scored_on = (SELECT max(scored_on) FROM bi.policy_backtest)\n"
        "ORDER BY tier_order;",
    ),
    OutputTable(
        name="marts.policy_backtest_summary",
        grain="one row per backtest (scored_on, horizon_days, policy_version)",
        purpose="How well the policy's score ranked what customers did next, beside two references measured in "
        "the same backtest: revenue of the last 12 months alone, and the forecast's expected value. A policy "
        "worth its traits ranks at least as well as both.",
        columns={
            **_BACKTEST,
            "customers": "Customers scored.",
            "outcome_revenue": "Their net revenue of completed orders in the horizon.",
            **{
                f"{ranking.prefix}{figure}": f"{meaning}, the customers ranked by {ranking.name}."
                for ranking in RANKINGS
                for figure, meaning in FIGURES.items()
            },
        },
        example="SELECT scored_on, policy_version, gini, revenue_12m_gini, forecast_gini\n"
        "FROM bi.policy_backtest_summary\nORDER BY scored_on DESC;",
    ),
    OutputTable(
        name="marts.quarterly_review",
        grain="one row per quarter reviewed and customer in either of its lists (the A-list, Poor all quarter)",
        purpose="The quarterly review: the customers Ideal on every as-of date of the quarter that has run (the "
        "A-list) and those Poor on every one (candidates to help move on), with what they brought over the "
        "quarter. `tiers review --quarter YYYYQn` writes a quarter; the nightly run as of a quarter's first day "
        "reviews the quarter before (again when a backfill adds days to it); a quarter reviewed again has its "
        "rows replaced.",
        columns={
            "quarter": "The quarter reviewed, as YYYYQn (2026Q3: July to September 2026).",
            "list": "'A-list' (Ideal on every as-of date of the quarter that has run) or 'Poor all quarter' "
            "(Poor on every one).",
            "customer_id": _IDENTITY["customer_id"],
            "customer_name": "The customer's name, from the customers feed.",
            "account_owner": "The salesperson who owns the account, from the customers feed; null when nobody does.",
            "days_scored": "As-of dates of the quarter on which the customer was scored: every date run "
            "(days_run), as the lists require.",
            "days_run": "As-of dates of the quarter that had run (tiers in marts.tier_history) when it was "
            "reviewed: below days_in_quarter for a quarter with gaps or one still running.",
            "days_in_quarter": "Days in the quarter (90 to 92).",
            "period_start": "The quarter's first day: the start of the period revenue and tickets are counted over.",
            "period_end": "The last as-of date of the quarter that had run: the end of that period.",
            "revenue": "Net revenue of the customer's completed orders dated in [period_start, period_end], base "
            "currency.",
            "gross_margin": "(revenue - cost) / revenue over those orders whose cost is known; null when none is.",
            "tickets": "Support tickets the customer opened in [period_start, period_end]: its support load; null "
            "without ticket data.",
            "mean_score": "The customer's mean score over the quarter's as-of dates run, one decimal.",
            "reviewed_at": "When the review was written.",
        },
        example="SELECT list, customer_name, account_owner, revenue, gross_margin, tickets\n"
        "FROM bi.quarterly_review\nWHERE quarter = (SELECT max(quarter) FROM bi.quarterly_review)\n"
        "ORDER BY list, revenue DESC;",
    ),
)

PUBLISHED = tuple(table.name for table in OUTPUT_TABLES)  # the marts copied into the BI file and the exports


def bi_label(column: str) -> str:
    """A mart column as a reader's label: 'payment_delay_days' -> 'Avg days paid late'."""
    return BI_NAMES.get(column, column).replace("_", " ").capitalize()


_INTRO = """\
# Output tables

`$TIERS_WAREHOUSE_DIR/tiers.duckdb` is the file BI tools open read-only. Schema `marts` holds the tables the
pipeline builds; schema `bi` holds one stable view per table, with names a BI user reads without this page and a
`tier_order` column to sort tiers best first. Point BI tools at `bi`. Every table, view and column carries its
meaning below as a DuckDB comment (`COMMENT ON`, see `duckdb_tables()`, `duckdb_views()`, `duckdb_columns()`).
The same tables are exported as Parquet to `$TIERS_WAREHOUSE_DIR/exports/<table>.parquet`, with the `marts` names.

Generated by `tiers docs` from `tiering/outputs.py` and, for the trait columns, `tiering/traits/__init__.py`; a
test fails when this page, the comments and the tables drift apart. Money is in the policy's base currency;
shares are fractions (0.25 = 25%); "the window" is the 365 days ending on the as-of date D, [D-364, D].
"""


def render_outputs_doc() -> str:
    """docs/outputs.md: one section per table with grain, columns, meaning and an example query."""
    lines = _INTRO.splitlines()
    for table in OUTPUT_TABLES:
        lines += ["", f"## `{table.view}` (view over `{table.name}`)", "", table.purpose, ""]
        lines += [f"**Grain:** {table.grain}.", ""]
        lines += ["| `bi` column | `marts` column | meaning |", "|---|---|---|"]
        for column in table.bi_columns():
            source = f"`{column.source}`" if column.source else "(derived from `tier`)"
            lines.append(f"| `{column.name}` | {source} | {column.meaning} |")
        lines += ["", "```sql", table.example, "```"]
    return "\n".join(lines) + "\n"
