"""Issue 15, item 8: children that arrive before their parent are held in quarantine as orphans and loaded, through
the same checks and versions as new rows, once the parent arrives (audit: rows_released); those still without a
parent, or superseded by a newer version of their key, stay held."""

from pathlib import Path

import duckdb
import pytest

from tiering.feeds import FEEDS
from tiering.warehouse.ingest import FeedLoad, LoadOptions, feed_files, load_feed

HEADERS = {
    "customers": "customer_id,name,industry,employees,region,signup_date\n",
    "orders": "order_id,customer_id,order_date,status,currency\n",
    "order_lines": "order_id,line_no,product_category,is_premium,is_service,quantity,list_amount,discount_amount,"
    "net_amount,cost_amount\n",
    "invoices": "invoice_id,customer_id,order_id,issued_date,due_date,amount\n",
    "payments": "payment_id,invoice_id,paid_date,amount\n",
}


@pytest.fixture
def con():
    with duckdb.connect() as connection:
        yield connection


def _write(landing: Path, feed: str, name: str, *rows: str) -> None:
    (landing / feed).mkdir(parents=True, exist_ok=True)
    (landing / feed / name).write_text(HEADERS[feed] + "".join(f"{row}\n" for row in rows))


def _load(con, landing: Path, *feeds: str) -> dict[str, FeedLoad]:
    """The feeds loaded in the order given (parents first, as the raw assets load them)."""
    options = LoadOptions(max_rejected_share=1.0)
    return {f: load_feed(con, FEEDS[f], feed_files(landing, FEEDS[f]), options) for f in feeds}


def _line(order_id: str, line_no: int, net: str) -> str:
    return f"{order_id},{line_no},software,false,false,1,{net},0,{net},1"


def _held(con, feed: str) -> list[tuple]:
    return con.execute(
        "SELECT row_number, reason FROM quality.rejected_rows WHERE feed = $feed ORDER BY ALL", {"feed": feed}
    ).fetchall()


@pytest.fixture
def landing(tmp_path):
    _write(tmp_path, "customers", "c.csv", "C1,One,software,10,EU,2020-01-01")
    _write(tmp_path, "orders", "o1.csv", "O1,C1,2026-01-05,completed,USD")
    return tmp_path


def test_lines_held_for_a_missing_order_are_loaded_when_it_arrives(con, landing):
    _write(
        landing,
        "order_lines",
        "l1.csv",
        _line("O1", 1, "5.00"),
        _line("O2", 1, "10.00"),
        _line("O2", 2, "7.50"),
    )
    night_1 = _load(con, landing, "customers", "orders", "order_lines")["order_lines"]
    assert (night_1.rows_read, night_1.rows_loaded, night_1.rows_rejected, night_1.rows_released) == (
        3,
        1,
        2,
        0,
    )
    assert _held(con, "order_lines") == [
        (2, "orphan: order_id not in orders"),
        (3, "orphan: order_id not in orders"),
    ]

    _write(landing, "orders", "o2.csv", "O2,C1,2026-01-06,completed,USD")
    night_2 = _load(con, landing, "customers", "orders", "order_lines")["order_lines"]
    assert (night_2.status, night_2.rows_read, night_2.rows_loaded, night_2.rows_released) == (
        "unchanged",
        0,
        0,
        2,
    )
    assert _held(con, "order_lines") == []
    lines = con.execute(
        "SELECT order_id, line_no, net_amount::VARCHAR, _source_file, _row_number FROM raw.order_lines ORDER BY ALL"
    ).fetchall()
    source = str(landing / "order_lines" / "l1.csv")
    assert lines == [
        ("O1", 1, "5.00", source, 1),
        ("O2", 1, "10.00", source, 2),
        ("O2", 2, "7.50", source, 3),
    ]
    audit = con.execute(
        "SELECT rows_read, rows_loaded, rows_rejected, rows_released FROM quality.load_audit "
        "WHERE feed = 'order_lines' ORDER BY loaded_at"
    ).fetchall()
    assert audit == [(3, 1, 2, 0), (0, 0, 0, 2)]

    night_3 = _load(con, landing, "customers", "orders", "order_lines")["order_lines"]
    assert night_3.rows_released == 0  # released once


def test_a_chain_of_late_parents_is_released_in_one_run_parents_first(con, landing):
    """An invoice held for its missing order and a payment held for that invoice: the order arrives, both load."""
    _write(landing, "invoices", "i.csv", "I1,C1,O2,2026-01-06,2026-02-05,10.00")
    _write(landing, "payments", "p.csv", "P1,I1,2026-01-20,10.00")
    _load(con, landing, "customers", "orders", "invoices", "payments")
    assert [len(_held(con, f)) for f in ("invoices", "payments")] == [1, 1]
    _write(landing, "orders", "o2.csv", "O2,C1,2026-01-06,completed,USD")
    loads = _load(con, landing, "customers", "orders", "invoices", "payments")
    assert (loads["invoices"].rows_released, loads["payments"].rows_released) == (1, 1)
    assert con.execute("SELECT count(*) FROM quality.rejected_rows").fetchone() == (0,)


def test_a_row_still_without_its_parent_stays_held(con, landing):
    _write(landing, "invoices", "i.csv", "I1,C1,O2,2026-01-06,2026-02-05,10.00", "I2,C1,O3,2026-01-06,,5.00")
    _load(con, landing, "customers", "orders", "invoices")
    _write(landing, "orders", "o2.csv", "O2,C1,2026-01-06,completed,USD")
    invoices = _load(con, landing, "customers", "orders", "invoices")["invoices"]
    assert invoices.rows_released == 1
    assert _held(con, "invoices") == [(2, "orphan: order_id not in orders")]


def test_held_versions_are_released_in_the_order_they_came_the_newest_wins(con, landing):
    _write(landing, "order_lines", "l1.csv", _line("O2", 1, "10.00"))
    _load(con, landing, "customers", "orders", "order_lines")
    _write(landing, "order_lines", "l2.csv", _line("O2", 1, "12.00"))  # a newer version, still an orphan
    _load(con, landing, "customers", "orders", "order_lines")
    assert len(_held(con, "order_lines")) == 2
    _write(landing, "orders", "o2.csv", "O2,C1,2026-01-06,completed,USD")
    lines = _load(con, landing, "customers", "orders", "order_lines")["order_lines"]
    assert lines.rows_released == 2
    assert con.execute("SELECT net_amount::VARCHAR, _source_file FROM raw.order_lines").fetchall() == [
        ("12.00", str(landing / "order_lines" / "l2.csv"))
    ]
    assert con.execute("SELECT changed_columns FROM quality.row_updates").fetchall() == [
        (["list_amount", "net_amount"],)
    ]
    assert _held(con, "order_lines") == []


def test_a_held_row_superseded_by_a_newer_loaded_version_stays_held(con, landing):
    """P1 names the missing invoice I9 (held); a newer P1 names I1 and loads; when I9 arrives, the newer P1 stays."""
    _write(landing, "invoices", "i1.csv", "I1,C1,O1,2026-01-06,2026-02-05,10.00")
    _write(landing, "payments", "p1.csv", "P1,I9,2026-01-20,10.00")
    _load(con, landing, "customers", "orders", "invoices", "payments")
    _write(landing, "payments", "p2.csv", "P1,I1,2026-01-21,10.00")
    _load(con, landing, "customers", "orders", "invoices", "payments")
    _write(landing, "invoices", "i9.csv", "I9,C1,O1,2026-01-07,2026-02-05,10.00")
    payments = _load(con, landing, "customers", "orders", "invoices", "payments")["payments"]
    assert payments.rows_released == 0
    assert con.execute("SELECT payment_id, invoice_id FROM raw.payments").fetchall() == [("P1", "I1")]
    assert _held(con, "payments") == [(1, "orphan: invoice_id not in invoices")]
