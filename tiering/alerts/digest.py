"""The texts alerts send: the nightly digest (TIERS_ALERT_URLS), one e-mail per account owner (TIERS_SMTP_URL)
and the notice of a failed run. Plain text: every Apprise service shows it as written."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tiering.alerts.rules import RISING, Alert

# the digest lists this many customers per section, most revenue first; the rest counted
SHOWN_PER_SECTION = 25


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def _move(alert: Alert) -> str:
    return f"{alert.from_tier or 'new customer'} -> {alert.to_tier}" if alert.moved else alert.to_tier


def _revenue(alert: Alert, currency: str) -> str:
    if alert.revenue_12m is None:
        return "no revenue in 12 months"
    return f"revenue 12m {alert.revenue_12m:,.0f} {currency}"


def _line(alert: Alert, currency: str) -> str:
    who = f", owner {alert.account_owner}" if alert.account_owner else ""
    why = f"\n    what changed: {alert.why}" if alert.why else ""
    name = alert.customer_name or alert.customer_id
    return f"  - {name} ({alert.customer_id}): {_move(alert)}, {_revenue(alert, currency)}{who}{why}"


def _section(heading: str, alerts: Sequence[Alert], currency: str) -> list[str]:
    if not alerts:
        return []
    lines = [f"{heading} ({len(alerts)}):", *(_line(a, currency) for a in alerts[:SHOWN_PER_SECTION])]
    if len(alerts) > SHOWN_PER_SECTION:
        lines.append(f"  ... and {len(alerts) - SHOWN_PER_SECTION} more (marts.tier_alerts, the dashboard)")
    return [*lines, ""]


def digest(as_of: date, alerts: Sequence[Alert], warnings: Sequence[str], currency: str) -> Message:
    """The nightly digest: the customers who moved tier (from, to, revenue, what changed most), the new Ideal
    customers, the newly rising ones and the run's warnings, each section most revenue first."""
    moves = [a for a in alerts if set(a.rules) - {RISING}]  # met a rule on tier moves
    into_ideal = [a for a in moves if a.to_tier == "Ideal"]
    moved = [a for a in moves if a.to_tier != "Ideal"]
    rising = [a for a in alerts if RISING in a.rules]
    counts = [f"{len(moved)} moved tier", f"{len(into_ideal)} new Ideal", f"{len(rising)} newly rising"]
    lines = [f"Customer tiers as of {as_of}: {', '.join(counts)}.", ""]
    if not alerts:
        lines += ["No customer met the alert rules tonight (the policy's alerts: section).", ""]
    lines += _section("Moved tier", moved, currency)
    lines += _section("New Ideal customers", into_ideal, currency)
    lines += _section("Newly rising", rising, currency)
    if warnings:
        lines += [f"Warnings of the run ({len(warnings)}):", *(f"  - {w}" for w in warnings), ""]
    title = f"Customer tiers as of {as_of}: {len(alerts)} alert{'s' * (len(alerts) != 1)}"
    if warnings:
        title += f", {len(warnings)} warning{'s' * (len(warnings) != 1)}"
    return Message(title, "\n".join(lines).rstrip() + "\n")


def owner_mail(owner: str, as_of: date, alerts: Sequence[Alert], currency: str) -> Message:
    """The e-mail to one account owner: each of their accounts that alerted, the rule it met and why."""
    lines = [
        f"Hello {owner},",
        "",
        f"{len(alerts)} of your accounts {'needs' if len(alerts) == 1 else 'need'} a look in the customer tiers "
        f"as of {as_of}:",
        "",
    ]
    for alert in alerts:
        lines += [
            f"- {alert.customer_name or alert.customer_id} ({alert.customer_id}): {_move(alert)}, "
            f"{_revenue(alert, currency)}",
            f"  alert: {', '.join(alert.rules)}",
            *([f"  why: {alert.why}"] if alert.why else []),
            "",
        ]
    lines.append("The tier dashboard and `tiers explain CUSTOMER_ID` show each account's full story.")
    count = f"{len(alerts)} account{'s' * (len(alerts) != 1)}"
    return Message(f"Customer tiers as of {as_of}: {count} to look at", "\n".join(lines) + "\n")


def failure_notice(what: str, problems: Sequence[str]) -> Message:
    """The notice of a failed run: what failed, then each reason."""
    body = [f"{what}.", "", *(f"- {p}" for p in problems)]
    return Message(f"Customer tiers: {what}", "\n".join(body) + "\n")
