"""Two nightly runs of the real job on the S demo: an Ideal customer owned by an e-mail gets a large overdue
invoice before the second date (the knock-out) and falls to Poor; the alert reaches a real webhook (the digest),
its owner's mailbox on a real SMTP server (one e-mail) and marts.tier_alerts. A receiver that is down is a
'failed: ...' row, never a failed run."""

import shutil
from datetime import date

import duckdb
import pytest

from support.receivers import free_port, smtp_server, webhook
from tiering.alerts.nightly import summary_line

FIRST, SECOND = date(2026, 6, 29), date(2026, 6, 30)


@pytest.fixture(scope="module")
def nights(tmp_path_factory, s_landing, pipeline):
    """The two runs, with TIERS_ALERT_URLS and TIERS_SMTP_URL at the receivers; what each received."""
    root = tmp_path_factory.mktemp("alerts")
    landing = root / "landing"
    shutil.copytree(s_landing, landing)
    settings = pipeline.settings(root, landing=landing)
    with pytest.MonkeyPatch.context() as env, webhook() as hook, smtp_server() as mailbox:
        env.setenv("TIERS_ALERT_URLS", hook.url)
        env.setenv("TIERS_SMTP_URL", mailbox.url)
        assert pipeline.run(settings, FIRST).success
        first_posts = len(hook.posts)
        with duckdb.connect(str(settings.work_db), read_only=True) as con:
            first_rows = con.execute("SELECT count(*) FROM marts.tier_alerts").fetchone()[0]
            customer, owner = con.execute(
                "SELECT customer_id, account_owner FROM marts.customer_tiers WHERE tier = 'Ideal' "
                "AND account_owner LIKE '%@%' ORDER BY revenue_12m DESC, customer_id LIMIT 1"
            ).fetchone()
        (landing / "invoices" / "invoices_overdue.csv").write_text(
            "invoice_id,customer_id,order_id,issued_date,due_date,amount\n"
            f"INV-ALERT-1,{customer},,2026-05-01,2026-05-31,90000.00\n"
        )
        second = pipeline.run(settings, SECOND)
    return {
        "settings": settings,
        "second": second,
        "customer": customer,
        "owner": owner,
        "first_posts": first_posts,
        "first_rows": first_rows,
        "posts": hook.posts,
        "mails": mailbox.messages,
        "hook": hook.url,
    }


def test_the_first_night_sends_a_digest_without_alerts(nights):
    assert nights["first_posts"] == 1 and nights["first_rows"] == 0
    assert "No customer met the alert rules" in nights["posts"][0]["message"]


def test_a_customer_pushed_from_ideal_to_poor_reaches_the_webhook(nights):
    assert nights["second"].success
    digest = nights["posts"][-1]
    assert digest["title"].startswith(f"Customer tiers as of {SECOND}: ")
    line = next(line for line in digest["message"].splitlines() if f"({nights['customer']})" in line)
    assert f"{nights['customer']}): Ideal -> Poor, revenue 12m " in line and nights["owner"] in line
    assert "Moved tier (" in digest["message"]
    print(digest["title"] + "\n" + digest["message"])  # the report pastes it


def test_its_owner_gets_one_email_listing_it_and_why(nights):
    mails = [m for m in nights["mails"] if m["To"] == nights["owner"]]
    assert len(mails) == 1
    (mail,) = mails
    body = mail.get_content()
    assert mail["From"] == "Customer tiers <tiers@example.com>"
    assert mail["Subject"].startswith(f"Customer tiers as of {SECOND}: ")
    assert f"({nights['customer']}): Ideal -> Poor" in body
    assert "alert: down from Ideal" in body and "large overdue balance" in body
    print("\n".join(f"{h}: {mail[h]}" for h in ("Subject", "To", "From")) + "\n\n" + body)


def test_marts_tier_alerts_records_each_destination_as_sent(nights):
    settings, customer = nights["settings"], nights["customer"]
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        rows = con.execute(
            "SELECT from_tier, to_tier, reason, account_owner, destination, status FROM marts.tier_alerts "
            "WHERE as_of_date = $d AND customer_id = $c ORDER BY destination",
            {"d": SECOND, "c": customer},
        ).fetchall()
        statuses = con.execute("SELECT DISTINCT status FROM marts.tier_alerts").fetchall()
        line = summary_line(con, SECOND, configured=True)
    hook = nights["hook"]
    assert [(r[4], r[5]) for r in rows] == [(hook, "sent"), (f"mailto:{nights['owner']}", "sent")]
    assert all(r[:2] == ("Ideal", "Poor") and r[3] == nights["owner"] for r in rows)
    assert rows[0][2].startswith("down from Ideal: ") and "large overdue balance" in rows[0][2]
    assert statuses == [("sent",)]
    assert line.startswith("Alerts: ") and line.endswith(" sent, 0 failed")
    metadata = _metadata(nights["second"])
    assert metadata["failed"].value == 0 and metadata["alerts"].value >= 1
    assert metadata["destinations"].value.startswith(hook)


def test_a_receiver_that_is_down_is_a_failed_row_and_the_run_succeeds(nights, pipeline, monkeypatch):
    dead = f"json://127.0.0.1:{free_port()}/hook"
    monkeypatch.setenv("TIERS_ALERT_URLS", dead)
    rerun = pipeline.run(nights["settings"], SECOND)
    assert rerun.success
    with duckdb.connect(str(nights["settings"].work_db), read_only=True) as con:
        rows = con.execute(
            "SELECT destination, status FROM marts.tier_alerts WHERE as_of_date = $d", {"d": SECOND}
        ).fetchall()
        line = summary_line(con, SECOND, configured=True)
    assert rows and {destination for destination, _ in rows} == {dead}  # the re-run replaced the date's rows
    assert all(status.startswith("failed: ") and "error" in status for _, status in rows)
    assert _metadata(rerun)["failed"].value == len(rows)
    assert line.startswith(f"Alerts: 0 sent, {len(rows)} failed ({dead}: ")


def _metadata(result) -> dict:
    (materialization,) = result.asset_materializations_for_node("marts__tier_alerts")
    return materialization.metadata


def test_without_a_destination_no_rows_and_the_metadata_says_so(s_run):
    settings, result = s_run
    assert result.success
    metadata = _metadata(result)
    assert metadata["note"].value == "no destination configured (TIERS_ALERT_URLS, TIERS_SMTP_URL)"
    assert metadata["sent"].value == 0 and metadata["destinations"].value == "none"
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.tier_alerts").fetchone() == (0,)
        assert summary_line(con, date(2026, 6, 30), configured=False).startswith("Alerts: no destination")
