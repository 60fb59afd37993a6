"""Which customers alert on an as-of date: the policy's `alerts:` rules applied to the customers who moved tier
or are newly rising in marts.customer_tiers."""

from dataclasses import dataclass
from datetime import date

import duckdb

from tiering.policy import TIERS, AlertRules
from tiering.warehouse.sql import sql_text

RANK = {tier: n for n, tier in enumerate(TIERS)}  # 0 is the best tier
RISING = "newly rising"  # the rule of a customer flagged rising tonight and not on the previous as-of date


@dataclass(frozen=True)
class Alert:
    customer_id: str
    customer_name: str | None
    account_owner: str | None
    from_tier: str | None  # None: a customer new since the previous as-of date
    to_tier: str
    revenue_12m: float | None
    rules: tuple[
        str, ...
    ]  # the alert rules it meets, in words: "down from Ideal", "into Ideal", "newly rising"
    why: str  # what capped or moved it: the knock-outs, then what changed most (else today's reasons)

    @property
    def reason(self) -> str:
        return f"{', '.join(self.rules)}: {self.why}" if self.why else ", ".join(self.rules)

    @property
    def moved(self) -> bool:
        return self.from_tier != self.to_tier


def rules_met(from_tier: str | None, to_tier: str, newly_rising: bool, rules: AlertRules) -> tuple[str, ...]:
    """The rules of the policy's `alerts:` section a customer meets, in words."""
    met = []
    if from_tier in rules.down_from and RANK[to_tier] > RANK[from_tier]:
        met.append(f"down from {from_tier}")
    if to_tier in rules.into and from_tier != to_tier:
        met.append(f"into {to_tier}" + ("" if from_tier else " (new customer)"))
    if rules.newly_rising and newly_rising:
        met.append(RISING)
    return tuple(met)


def find_alerts(con: duckdb.DuckDBPyConnection, as_of: date, rules: AlertRules) -> list[Alert]:
    """The alerts of `as_of` (the date marts.customer_tiers holds), most revenue first; none when no earlier
    as-of date is in the history (a first run compares with nothing)."""
    rows = con.execute(sql_text("alerts:candidates"), {"as_of": as_of}).fetchall()
    alerts = []
    for cid, name, owner, before, now, revenue, rising, knockouts, changes, reasons in rows:
        met = rules_met(before, now, bool(rising), rules)
        if met:
            why = "; ".join(part for part in (knockouts, changes) if part) or reasons or ""
            alerts.append(Alert(cid, name, owner, before, now, revenue, met, why))
    return alerts
