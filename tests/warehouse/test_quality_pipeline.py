"""The quality gates in the real nightly job, on a tiny hand-made landing folder: what warns, what stops the run
before publishing (leaving the published file as it was), and how a data engineer sees why."""

import dataclasses
import hashlib
import shutil
from pathlib import Path

import pytest

from tiering import cli
from tiering.feeds import FEEDS as DECLARED

FEEDS = {
    "customers": "customer_id,name,industry,employees,region,signup_date\n"
    + "".join(f"C{i},Customer {i},software,{i * 40},North America,2021-0{i}-01\n" for i in range(1, 5)),
    "orders": "order_id,customer_id,order_date,status,currency\n"
    + "".join(f"O{i}{m},C{i},2026-0{m}-1{i},completed,USD\n" for i in range(1, 5) for m in range(1, 7)),
    "order_lines": "order_id,line_no,product_category,is_premium,is_service,quantity,list_amount,discount_amount,"
    "net_amount,cost_amount\n"
    + "".join(f"O{i}{m},1,software,true,false,1,{i}00.00,10.00,{i - 1}90.00,50.00\n" for i in range(1, 5) for m in range(1, 7)),
    "invoices": "invoice_id,customer_id,order_id,issued_date,due_date,amount\n"
    + "".join(f"I{i}{m},C{i},O{i}{m},2026-0{m}-1{i},2026-0{m}-2{i},{i - 1}90.00\n" for i in range(1, 5) for m in range(1, 7)),
    "payments": "payment_id,invoice_id,paid_date,amount\n"
    + "".join(f"P{i}{m},I{i}{m},2026-0{m}-2{i},{i - 1}90.00\n" for i in range(1, 5) for m in range(1, 6)),
    "support_tickets": "ticket_id,customer_id,opened_at,closed_at,priority,category,escalated\n"
    "T1,C1,2026-03-01 10:00:00,2026-03-02 10:00:00,low,question,false\n",
}  # fmt: skip


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, pipeline):
    """The nightly job on a tiny landing folder that loads and tiers, but for one order in an unknown status."""
    root = tmp_path_factory.mktemp("tiny")
    for feed, text in FEEDS.items():
        (root / "landing" / feed).mkdir(parents=True)
        (root / "landing" / feed / f"{feed}.csv").write_text(text)
    orders = root / "landing" / "orders" / "orders.csv"
    orders.write_text(orders.read_text() + "O99,C1,2026-06-01,pending,USD\n")
    settings = pipeline.settings(root)
    return settings, pipeline.run(settings)


@pytest.fixture
def tiny(first_run, tmp_path, pipeline):
    """A copy of the first run's landing folder and warehouse, for a test to run the job again on."""
    settings, _ = first_run
    shutil.copytree(settings.landing_dir, tmp_path / "landing")
    shutil.copytree(settings.warehouse_dir, tmp_path / "warehouse")
    return pipeline.settings(tmp_path)


def _checks(result) -> dict:
    events = [
        e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    return {(e.asset_key.to_user_string(), e.check_name): e for e in events}


def _materialised(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.all_events if e.is_step_materialization}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_soft_problem_warns_with_its_values_and_the_run_publishes(first_run):
    _, result = first_run
    assert result.success and "bi/tiers_duckdb" in _materialised(result)
    checks = _checks(result)
    warn = checks[("raw/orders", "gx_warn")]
    assert not warn.passed and warn.severity.value == "WARN"
    assert warn.metadata["failing: status in completed, cancelled, returned"].value == 1
    assert (
        "| status in completed, cancelled, returned | FAILED | 1 | pending |"
        in warn.metadata["results"].value
    )
    blocking = checks[("raw/orders", "gx_blocking")]
    assert blocking.passed and "| (order_id) unique | passed | 0 |" in blocking.metadata["results"].value
    assert {k for k, e in checks.items() if not e.passed} == {("raw/orders", "gx_warn")}
    assert {k[0] for k in checks} >= {"raw/order_lines", "marts/customer_tiers", "marts/tier_summary"}


def test_a_blocking_failure_stops_the_run_before_publishing(tiny, pipeline, monkeypatch):
    published = _digest(tiny.bi_db)
    # an ingest that lets orphans through: orders declared without their parent
    monkeypatch.setitem(DECLARED, "orders", dataclasses.replace(DECLARED["orders"], parents=()))
    late = "order_id,customer_id,order_date,status,currency\nO71,C9,2026-06-20,completed,USD\n"
    (tiny.landing_dir / "orders" / "orders_late.csv").write_text(late)
    result = pipeline.run(tiny)
    assert not result.success
    blocking = _checks(result)[("raw/orders", "gx_blocking")]
    assert not blocking.passed and blocking.severity.value == "ERROR"
    assert "customer_id found in raw.customers: 1 failing, e.g. customer_id=C9" in blocking.description
    assert not {"staging/orders", "marts/customer_tiers", "bi/tiers_duckdb"} & _materialised(result)
    assert _digest(tiny.bi_db) == published
    # what `tiers run` prints: the check, its table and what failed, not only "gx_blocking"
    assert cli._failures(result) == [
        "gx_raw_feeds: blocking check gx_blocking of raw/orders failed: raw.orders: customer_id found in "
        "raw.customers: 1 failing, e.g. customer_id=C9"
    ]


def test_a_feed_over_the_rejection_limit_stops_the_run_and_the_rejections_command_says_why(
    tiny, pipeline, monkeypatch, capsys
):
    tiny = dataclasses.replace(tiny, max_rejected_rows=1)  # 2 rejected rows: above the share and the count
    published = _digest(tiny.bi_db)
    late = "order_id,customer_id,order_date,status,currency\nO71,C1,2026-06-20,completed,USD\n"
    late += "O72,C9,2026-06-21,completed,USD\nO73,C1,21/06/2026,completed,USD\n"
    (tiny.landing_dir / "orders" / "orders_late.csv").write_text(late)
    result = pipeline.run(tiny)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert failure.step_key == "raw_feeds"
    assert "feed 'orders': 2 of 3 rows read (66.7%) cannot be used, more than the allowed 5.0% " in (
        failure.step_failure_data.error.message
    )
    assert "bi/tiers_duckdb" not in _materialised(result) and _digest(tiny.bi_db) == published

    monkeypatch.setenv("TIERS_WAREHOUSE_DIR", str(tiny.warehouse_dir))
    assert cli.main(["rejections"]) == 0
    shown = capsys.readouterr().out
    assert f"Run {result.run_id}" in shown
    assert (
        "orders           refused       1       3        0        (0)        0         2          1" in shown
    )
    assert "orders                 1  orphan: customer_id not in customers" in shown
    assert "orders                 1  order_date: not a valid date" in shown
    assert "orders_late.csv row 3: " in shown and '"order_date":"21/06/2026"' in shown


def test_run_full_reload_sets_the_setting(monkeypatch):
    seen = []
    monkeypatch.setattr(
        cli, "_run", lambda first, last, settings, **_: seen.append(settings.full_reload) or 0
    )
    assert cli.main(["run", "--as-of", "2026-06-30", "--full-reload"]) == 0
    assert cli.main(["run", "--as-of", "2026-06-30"]) == 0
    assert seen == [True, False]
