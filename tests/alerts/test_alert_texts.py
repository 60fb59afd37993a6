"""The digest's sections and the owner e-mail, on hand-made alerts."""

from datetime import date

from tiering.alerts.digest import SHOWN_PER_SECTION, digest, owner_mail
from tiering.alerts.nightly import owned_by_mailbox
from tiering.alerts.rules import Alert

DOWN = Alert("C1", "Acme", "ann@example.com", "Ideal", "Poor", 1000.0, ("down from Ideal",), "- pays late")
NEW_RISING = Alert("C2", "New Co", "Bob Jones", None, "Acceptable", None, ("newly rising",), "")
UP = Alert(
    "C3", "Up", "ann@example.com", "Acceptable", "Ideal", 5e5, ("into Ideal", "newly rising"), "+ buys a lot"
)


def _sections(body: str) -> dict[str, list[str]]:
    sections, current = {}, None
    for line in body.splitlines():
        if line.endswith("):") and not line.startswith(" "):
            current = sections.setdefault(line.split(" (")[0], [])
        elif line.startswith("  - ") and current is not None:
            current.append(line.split(" (")[0][4:])
    return sections


def test_the_digest_puts_each_alert_under_the_rules_it_met():
    message = digest(date(2026, 6, 30), [UP, DOWN, NEW_RISING], ["data lag"], "USD")
    assert message.title == "Customer tiers as of 2026-06-30: 3 alerts, 1 warning"
    assert _sections(message.body) == {
        "Moved tier": ["Acme"],
        "New Ideal customers": ["Up"],
        "Newly rising": ["Up", "New Co"],
        "Warnings of the run": ["data lag"],
    }
    assert (
        "  - Acme (C1): Ideal -> Poor, revenue 12m 1,000 USD, owner ann@example.com\n    what changed: - pays late"
        in message.body
    )
    assert (
        "  - New Co (C2): new customer -> Acceptable, no revenue in 12 months, owner Bob Jones\n"
        in message.body
    )


def test_a_long_section_is_cut_and_counted():
    many = [DOWN] * (SHOWN_PER_SECTION + 3)
    body = digest(date(2026, 6, 30), many, [], "USD").body
    assert body.count("  - Acme") == SHOWN_PER_SECTION and "  ... and 3 more" in body


def test_owners_with_an_email_get_their_accounts_only():
    owners = owned_by_mailbox([UP, DOWN, NEW_RISING])
    assert owners == {"ann@example.com": [UP, DOWN]}  # "Bob Jones" has no e-mail
    mail = owner_mail("ann@example.com", date(2026, 6, 30), owners["ann@example.com"], "USD")
    assert mail.title == "Customer tiers as of 2026-06-30: 2 accounts to look at"
    assert (
        "- Acme (C1): Ideal -> Poor, revenue 12m 1,000 USD\n  alert: down from Ideal\n  why: - pays late\n"
        in mail.body
    )
    assert (
        "- Up (C3): Acceptable -> Ideal, revenue 12m 500,000 USD\n  alert: into Ideal, newly rising\n"
        in mail.body
    )
