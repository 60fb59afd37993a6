"""The alert step of a night: find the alerts of the as-of date, send the digest and the owners' e-mails, and
record one row per alert and destination in marts.tier_alerts (a re-run of the date replaces its rows)."""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import duckdb

from tiering.alerts.destinations import Destination, SmtpServer, alert_urls
from tiering.alerts.digest import digest, failure_notice, owner_mail
from tiering.alerts.rules import Alert, find_alerts
from tiering.alerts.send import send
from tiering.policy import Policy
from tiering.warehouse.sql import sql_text

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    alerts: list[Alert]
    destinations: list[str] = field(default_factory=list)  # each destination sent to, without secrets
    sent: int = 0  # rows of marts.tier_alerts with status 'sent'
    failed: dict[str, str] = field(default_factory=dict)  # destination: 'failed: <error>'
    rows: int = 0


def owned_by_mailbox(alerts: list[Alert]) -> dict[str, list[Alert]]:
    """The alerts of each owner with an e-mail (account_owner containing '@'), by owner."""
    owners: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        if alert.account_owner and "@" in alert.account_owner:
            owners[alert.account_owner.strip()].append(alert)
    return dict(owners)


def send_alerts(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    policy: Policy,
    urls: list[Destination],
    smtp: SmtpServer | None,
    warnings: list[str],
) -> Outcome:
    """Send the night's digest to every URL of TIERS_ALERT_URLS and each owner's e-mail through TIERS_SMTP_URL;
    record every alert with each destination it went to and the status."""
    outcome = Outcome(find_alerts(con, as_of, policy.alerts))
    rows: list[tuple[Alert, str, str]] = []

    def deliver(destination: Destination, message, alerts: list[Alert]) -> None:
        status = send(destination, message)
        outcome.destinations.append(destination.shown)
        if status != "sent":
            outcome.failed[destination.shown] = status
            log.warning(f"alert to {destination.shown} {status}")
        rows.extend((alert, destination.shown, status) for alert in alerts)

    currency = policy.base_currency
    if urls:
        message = digest(as_of, outcome.alerts, warnings, currency)
        for url in urls:
            deliver(url, message, outcome.alerts)
    if smtp:
        for owner, owned in owned_by_mailbox(outcome.alerts).items():
            deliver(smtp.mailbox(owner), owner_mail(owner, as_of, owned, currency), owned)
    record(con, as_of, rows)
    outcome.rows = len(rows)
    outcome.sent = sum(status == "sent" for _, _, status in rows)
    return outcome


def record(con: duckdb.DuckDBPyConnection, as_of: date, rows: list[tuple[Alert, str, str]]) -> None:
    """Replace the rows of `as_of` in marts.tier_alerts with `rows` (alert, destination, status)."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(sql_text("alerts:replace_date"), {"as_of": as_of})
        if rows:
            con.executemany(
                sql_text("alerts:insert"),
                [
                    {
                        "as_of": as_of,
                        "customer_id": a.customer_id,
                        "from_tier": a.from_tier,
                        "to_tier": a.to_tier,
                        "reason": a.reason,
                        "account_owner": a.account_owner,
                        "destination": destination,
                        "status": status,
                    }
                    for a, destination, status in rows
                ],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def summary_line(con: duckdb.DuckDBPyConnection, as_of: date, configured: bool) -> str:
    """The run summary's line: 'Alerts: N sent, M failed (destination: error; ...)'."""
    if not configured:
        return "Alerts: no destination configured (set TIERS_ALERT_URLS or TIERS_SMTP_URL to send them)"
    by_status = con.execute(sql_text("alerts:sent_on"), {"as_of": as_of}).fetchall()
    if not by_status:
        return f"Alerts: none as of {as_of} (no customer met the policy's alerts: rules)"
    sent = sum(n for status, n, _ in by_status if status == "sent")
    failures = [(status, n, where) for status, n, where in by_status if status != "sent"]
    line = f"Alerts: {sent:,} sent, {sum(n for _, n, _ in failures):,} failed"
    if failures:
        line += (
            " ("
            + "; ".join(f"{where}: {status.removeprefix('failed: ')}" for status, _, where in failures)
            + ")"
        )
    return line


def notify_failed_run(urls: str, what: str, problems: list[str]) -> dict[str, str]:
    """Send the notice that a run failed (`what`, then each problem) to every URL of TIERS_ALERT_URLS (`urls`,
    its text); each destination's status."""
    message = failure_notice(what, problems)
    statuses = {url.shown: send(url, message) for url in alert_urls(urls)} if urls else {}
    for where, status in statuses.items():
        if status != "sent":
            log.warning(f"failure notice to {where} {status}")
    return statuses
