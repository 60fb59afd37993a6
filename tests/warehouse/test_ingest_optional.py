"""Real companies' exports: only the required feeds and columns, optional ones missing or empty, and files
rewritten by their export (rows appended, a ticket closed, an order returned), through ingest and staging."""

from pathlib import Path

import duckdb
import pytest

from assets.ingest import _load_order
from support.cdnow import CDNOW_DIR, write_cdnow_exports
from tiering.feeds import FEEDS
from tiering.warehouse.ingest import FeedLoad, LoadOptions, feed_files, load_feed
from tiering.warehouse.staging import build_staging


def _write(landing: Path, feed: str, text: str, name: str = "a.csv") -> Path:
    (landing / feed).mkdir(parents=True, exist_ok=True)
    (landing / feed / name).write_text(text)
    return landing / feed / name


def _night(con, landing: Path) -> dict[str, FeedLoad]:
    """One night's ingest of every feed, parents first, then staging in USD."""
    loads = {}
    for feed in _load_order():
        options = LoadOptions(max_rejected_share=0.05)
        loads[feed.name] = load_feed(con, feed, feed_files(landing, feed), options)
    build_staging(con, "USD")
    return loads


def _rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


@pytest.fixture
def con():
    with duckdb.connect() as connection:
        yield connection


@pytest.fixture
def minimal(tmp_path) -> Path:
    """Only the required feeds, each with only its required columns (and line_no absent)."""
    _write(tmp_path, "customers", "customer_id\nC1\nC2\n")
    _write(tmp_path, "orders", "order_id,customer_id,order_date\nO1,C1,2026-01-05\nO2,C2,2026-02-01\n")
    _write(tmp_path, "order_lines", "order_id,net_amount\nO1,10.00\nO1,5.50\nO2,7.00\n")
    return tmp_path


def test_the_required_feeds_and_columns_alone_load_and_stage(con, minimal):
    loads = _night(con, minimal)
    assert {f: (x.status, x.rows_loaded, x.rows_rejected) for f, x in loads.items()} == {
        "customers": ("loaded", 2, 0),
        "orders": ("loaded", 2, 0),
        "order_lines": ("loaded", 3, 0),
        "invoices": ("absent", 0, 0),
        "payments": ("absent", 0, 0),
        "support_tickets": ("absent", 0, 0),
        "fx_rates": ("absent", 0, 0),
        "opportunities": ("absent", 0, 0),
        "signals": ("absent", 0, 0),
    }
    assert loads["orders"].absent_columns == ["status", "currency"]
    # missing status: completed; missing currency: NULL in raw, the base currency in staging
    assert _rows(con, "SELECT order_id, status, currency FROM raw.orders ORDER BY 1") == [
        ("O1", "completed", None),
        ("O2", "completed", None),
    ]
    # missing line_no: the row's position in its file
    assert _rows(
        con, "SELECT order_id, line_no, cost_amount, is_premium FROM raw.order_lines ORDER BY 2"
    ) == [
        ("O1", 1, None, None),
        ("O1", 2, None, None),
        ("O2", 3, None, None),
    ]
    assert _rows(con, "SELECT customer_id, name, signup_date FROM raw.customers ORDER BY 1") == [
        ("C1", None, None),
        ("C2", None, None),
    ]
    staged = _rows(
        con,
        "SELECT order_id, status, currency, net_amount, list_amount, discount_amount, cost_amount, "
        "premium_net_amount, service_net_amount, line_count FROM staging.orders ORDER BY 1",
    )
    assert staged == [
        ("O1", "completed", "USD", 15.5, None, None, None, None, None, 2),
        ("O2", "completed", "USD", 7.0, None, None, None, None, None, 1),
    ]
    for table in ("invoices", "payments", "tickets", "order_categories"):
        assert _rows(con, f"SELECT count(*) FROM staging.{table}") == [(0,)], table
    for feed in ("invoices", "payments", "support_tickets", "fx_rates"):
        assert _rows(con, f"SELECT count(*) FROM raw.{feed}") == [(0,)], feed


def test_an_empty_optional_value_is_null_and_an_order_amount_is_known_only_from_every_line(con, minimal):
    _write(
        minimal,
        "order_lines",
        "order_id,line_no,product_category,is_premium,quantity,list_amount,discount_amount,net_amount,cost_amount\n"
        "O1,1,books,true,1,12.00,2.00,10.00,\n"  # an empty cost no longer rejects the line
        "O1,2,,false,1,5.50,0.00,5.50,3.00\n"
        "O2,1,music,false,2,7.00,0.00,7.00,4.00\n",
    )
    loads = _night(con, minimal)
    assert (loads["order_lines"].rows_loaded, loads["order_lines"].rows_rejected) == (3, 0)
    assert loads["order_lines"].absent_columns == ["is_service"]
    staged = _rows(
        con,
        "SELECT order_id, list_amount, discount_amount, cost_amount, premium_net_amount, service_net_amount "
        "FROM staging.orders ORDER BY 1",
    )
    assert staged == [("O1", 17.5, 2.0, None, 10.0, None), ("O2", 7.0, 0.0, 4.0, 0.0, None)]
    categories = _rows(con, "SELECT customer_id, product_category FROM staging.order_categories ORDER BY 1")
    assert categories == [("C1", "books"), ("C2", "music")]


def test_a_missing_required_column_is_still_refused_naming_it(con, minimal):
    _write(minimal, "order_lines", "order_id,line_no\nO1,1\n")
    with pytest.raises(
        Exception, match=r"a\.csv lacks required column\(s\) net_amount; required order_id, net_amount"
    ):
        load_feed(con, FEEDS["order_lines"], feed_files(minimal, FEEDS["order_lines"]))


def test_a_rewritten_export_appends_closes_a_ticket_and_returns_an_order(con, tmp_path):
    _write(tmp_path, "customers", "customer_id,name\nC1,Ann\nC2,Bob\n")
    orders = (
        "order_id,customer_id,order_date,status\nO1,C1,2026-01-05,completed\nO2,C2,2026-01-06,completed\n"
    )
    _write(tmp_path, "orders", orders)
    _write(tmp_path, "order_lines", "order_id,line_no,net_amount\nO1,1,10.00\nO2,1,20.00\n")
    tickets = "ticket_id,customer_id,opened_at,closed_at,priority\n"
    _write(
        tmp_path,
        "support_tickets",
        tickets + "T1,C1,2026-01-07 09:00:00,,high\nT2,C2,2026-01-08 10:00:00,,low\n",
    )
    first = _night(con, tmp_path)
    assert first["support_tickets"].rows_loaded == 2

    # the export rewrites its files: O2 returned, O3 appended; T1 closed, T2 unchanged, T3 appended
    orders = orders.replace("O2,C2,2026-01-06,completed", "O2,C2,2026-01-06,returned")
    _write(tmp_path, "orders", orders + "O3,C1,2026-01-09,completed\n")
    _write(
        tmp_path,
        "support_tickets",
        tickets
        + "T1,C1,2026-01-07 09:00:00,2026-01-08 17:00:00,high\n"
        + "T2,C2,2026-01-08 10:00:00,,low\n"
        + "T3,C2,2026-01-09 11:00:00,,normal\n",
    )
    second = _night(con, tmp_path)
    counts = {
        f: (x.status, x.rows_read, x.rows_loaded, x.rows_updated, x.rows_skipped, x.rows_rejected)
        for f, x in second.items()
        if f in ("orders", "support_tickets", "customers")
    }
    assert counts == {
        "customers": ("unchanged", 0, 0, 0, 0, 0),
        "orders": ("loaded", 3, 2, 1, 1, 0),
        "support_tickets": ("loaded", 3, 2, 1, 1, 0),
    }
    updates = _rows(con, "SELECT feed, key, changed_columns FROM quality.row_updates ORDER BY feed")
    assert updates == [
        ("orders", '{"order_id":"O2"}', ["status"]),
        ("support_tickets", '{"ticket_id":"T1"}', ["closed_at"]),
    ]
    # the newest version is used downstream, once per key
    assert _rows(con, "SELECT order_id, status FROM staging.orders ORDER BY 1") == [
        ("O1", "completed"),
        ("O2", "returned"),
        ("O3", "completed"),
    ]
    assert _rows(con, "SELECT ticket_id, closed_at::VARCHAR FROM staging.tickets ORDER BY 1") == [
        ("T1", "2026-01-08 17:00:00"),
        ("T2", None),
        ("T3", None),
    ]
    assert _rows(con, "SELECT count(*) FROM quality.rejected_rows") == [(0,)]


@pytest.mark.skipif(
    not (CDNOW_DIR / "CDNOW_master.txt").is_file(), reason="CDNOW data not beside the repository"
)
def test_cdnow_shaped_exports_load_whole(con, tmp_path):
    write_cdnow_exports(tmp_path)
    loads = _night(con, tmp_path)
    assert {f: (x.status, x.rows_loaded, x.rows_rejected) for f, x in loads.items()} == {
        "customers": ("loaded", 23_570, 0),
        "orders": ("loaded", 69_659, 0),
        "order_lines": ("loaded", 69_659, 0),
        "invoices": ("absent", 0, 0),
        "payments": ("absent", 0, 0),
        "support_tickets": ("absent", 0, 0),
        "fx_rates": ("absent", 0, 0),
        "opportunities": ("absent", 0, 0),
        "signals": ("absent", 0, 0),
    }
    staged = _rows(
        con,
        "SELECT count(*), count(DISTINCT customer_id), round(sum(net_amount), 2), count(cost_amount), "
        "count(list_amount), min(order_date)::VARCHAR, max(order_date)::VARCHAR, any_value(currency), "
        "count(*) FILTER (WHERE status = 'completed') FROM staging.orders",
    )
    assert staged == [(69_659, 23_570, 2_500_315.63, 0, 0, "1997-01-01", "1998-06-30", "USD", 69_659)]
