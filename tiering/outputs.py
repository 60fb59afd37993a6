"""The published output tables, their grain and every column's meaning: the one source of docs/outputs.md."""

from dataclasses import dataclass

from tiering.traits import TRAIT_DOCS


@dataclass(frozen=True)
class OutputTable:
    name: str
    grain: str
    purpose: str
    columns: dict[str, str]
    example: str


_IDENTITY = {
    "customer_id": "The customer's id, as in the customers feed.",
    "as_of_date": "The date D the row describes: only data dated up to D was used.",
}

OUTPUT_TABLES = (
    OutputTable(
        name="marts.customer_tiers",
        grain="one row per customer known on the as-of date (signed up on or before it)",
        purpose="Who each customer is, the tier and action sales should apply, and why.",
        columns={
            "customer_id": _IDENTITY["customer_id"],
            "customer_name": "The customer's name.",
            "as_of_date": _IDENTITY["as_of_date"],
            "score": "0-100: the weighted mean of the points of every scored trait and profile criterion that has a "
            "value (see the policy file); one decimal.",
            "tier": "Ideal (score >= 70), Acceptable (>= 40) or Poor, after knock-out rules (cut-offs per policy).",
            "action": "What sales does: Proactive (Ideal), Reactive (Acceptable), No-fly zone (Poor).",
            "reasons": "Knock-outs first, then the three items that moved the score furthest from 50, strongest "
            "first: '+' lifted it, '-' pulled it down, with the value in words.",
            "knockouts": "The knock-out rules that capped the tier, in words; empty when none applied.",
            "industry": "Industry from the customers feed, trimmed and lower-cased.",
            "employees": "Employee count from the customers feed.",
            "region": "Region from the customers feed.",
            **TRAIT_DOCS,
        },
        example="SELECT customer_name, score, action, reasons\nFROM marts.customer_tiers\n"
        "WHERE tier = 'Ideal'\nORDER BY revenue_12m DESC\nLIMIT 20;",
    ),
    OutputTable(
        name="marts.customer_traits",
        grain="one row per customer known on the as-of date",
        purpose="Every trait of every customer, as computed; the input of the scoring.",
        columns={**_IDENTITY, **TRAIT_DOCS},
        example="SELECT customer_id, payment_delay_days, on_time_rate, overdue_amount\n"
        "FROM marts.customer_traits\nWHERE overdue_amount > 0\nORDER BY overdue_amount DESC;",
    ),
    OutputTable(
        name="marts.tier_summary",
        grain="one row per as-of date and tier (all three tiers, even when empty)",
        purpose="The size and economics of each tier: how many Ideal customers there are and what they bring.",
        columns={
            "as_of_date": _IDENTITY["as_of_date"],
            "tier": "Ideal, Acceptable or Poor.",
            "action": "The tier's action (null when the tier is empty).",
            "customers": "Customers in the tier.",
            "revenue_12m": "Sum of the customers' revenue_12m.",
            "gross_margin": "Revenue-weighted gross margin of the tier's customers with revenue.",
            "mean_payment_delay_days": "Mean of the customers' payment_delay_days (customers without one skipped).",
            "tickets_per_order": "Sum of tickets_12m / max(1, sum of orders_12m) over the tier.",
            "mean_score": "Mean score of the tier's customers.",
        },
        example="SELECT tier, customers, revenue_12m, gross_margin\nFROM marts.tier_summary\n"
        "WHERE as_of_date = (SELECT max(as_of_date) FROM marts.tier_summary);",
    ),
)


def render_outputs_doc() -> str:
    """docs/outputs.md: one section per table with grain, columns, meaning and an example query."""
    lines = [
        "# Output tables",
        "",
        "Schema `marts` in `$TIERS_WAREHOUSE_DIR/tiers.duckdb`, the file BI tools open read-only.",
        "Generated from `tiering/outputs.py` by `tiers docs`; a test fails when this page and the tables drift apart.",
        'Money is in the policy\'s base currency; "the window" is the 365 days ending on the as-of date D, [D-364, D].',
    ]
    for table in OUTPUT_TABLES:
        lines += ["", f"## `{table.name}`", "", table.purpose, "", f"**Grain:** {table.grain}.", ""]
        lines += ["| column | meaning |", "|---|---|"]
        lines += [f"| `{column}` | {meaning} |" for column, meaning in table.columns.items()]
        lines += ["", "```sql", table.example, "```"]
    return "\n".join(lines) + "\n"
