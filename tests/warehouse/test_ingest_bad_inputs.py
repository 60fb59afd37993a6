"""A corpus of bad inputs, one file per problem, made here: the outcome, the message, and counts that reconcile."""

import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
import pytest

from tiering.feeds import FEEDS
from tiering.warehouse.ingest import FeedLoad, IngestError, LoadOptions, feed_files, load_feed

ORDERS = "order_id,customer_id,order_date,status,currency\n"
GOOD_ORDER = "O1,C1,2026-01-05,completed,USD\n"
LINES = "order_id,line_no,product_category,is_premium,is_service,quantity,list_amount,discount_amount,net_amount,cost_amount\n"
INVOICES = "invoice_id,customer_id,order_id,issued_date,due_date,amount\n"
PAYMENTS = "payment_id,invoice_id,paid_date,amount\n"
TICKETS = "ticket_id,customer_id,opened_at,closed_at,priority,category,escalated\n"
PARENTS = {
    "customers": "customer_id,name,industry,employees,region,signup_date\nC1,A,software,10,EU,2020-01-01\n",
    "orders": ORDERS + GOOD_ORDER,
    "order_lines": LINES + "O1,1,software,false,false,1,10.00,1.00,9.00,5.00\n",
    "invoices": INVOICES + "I1,C1,O1,2026-01-05,2026-02-04,9.00\n",
}


def _write(landing: Path, feed: str, name: str, content: str | bytes) -> Path:
    path = landing / feed / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def _load(
    con, landing: Path, feed: str, max_rejected_share: float = 1.0, max_rejected_rows: int = 100
) -> FeedLoad:
    """One load (one run) of the feed's files; by default no share of rejected rows refuses it."""
    options = LoadOptions(max_rejected_share=max_rejected_share, max_rejected_rows=max_rejected_rows)
    return load_feed(con, FEEDS[feed], feed_files(landing, FEEDS[feed]), options)


@pytest.fixture
def landing(tmp_path) -> Path:
    """A landing folder with one good row in each parent feed (customers, orders, lines, invoices)."""
    for feed, text in PARENTS.items():
        _write(tmp_path, feed, f"{feed}_0.csv", text)
    return tmp_path


@pytest.fixture
def con(landing):
    with duckdb.connect() as connection:
        for feed in PARENTS:
            _load(connection, landing, feed)
        yield connection


def _rejections(con, feed: str) -> dict[int, str]:
    sql = "SELECT row_number, reason FROM quality.rejected_rows WHERE feed = $feed ORDER BY row_number"
    return dict(con.execute(sql, {"feed": feed}).fetchall())


def _assert_reconciles(con, load: FeedLoad) -> None:
    """Every row of these new files is in the raw table or in quarantine, and the audit says so."""
    sql = f"SELECT count(*) FROM raw.{load.feed} WHERE list_contains($files, _source_file)"
    raw = con.execute(sql, {"files": load.files}).fetchone()[0]
    sql = "SELECT count(*) FROM quality.rejected_rows WHERE run_id = $run"
    rejected = con.execute(sql, {"run": load.run_id}).fetchone()[0]
    assert raw + rejected == load.rows_read
    audit = con.execute(
        "SELECT rows_read, rows_loaded, rows_rejected, rows_skipped FROM quality.load_audit WHERE run_id = $run",
        {"run": load.run_id},
    ).fetchone()
    assert audit == (load.rows_read, load.rows_loaded, load.rows_rejected, 0)
    assert audit[0] == audit[1] + audit[2]


ROW_PROBLEMS = [
    # (problem, feed, rows after the header, {row number: reason})
    ("unparseable date", "orders", ["O2,C1,05/01/2026,completed,USD"], {1: "order_date: not a valid date"}),
    ("non-finite numbers", "order_lines", ["O1,2,software,false,false,NaN,10,0,10,5", "O1,3,software,false,false,inf,10,0,10,5", "O1,4,software,false,false,1e309,10,0,10,5", "O1,5,software,false,false,-Infinity,10,0,10,5"], {1: "quantity: not a finite number", 2: "quantity: not a finite number", 3: "quantity: not a finite number", 4: "quantity: not a finite number; quantity: negative"}),
    ("wrong type", "order_lines", ["O1,x,software,maybe,false,1,10,0,10,5"], {1: "line_no: not a valid integer; is_premium: not a valid boolean"}),
    ("null key", "orders", [",C1,2026-01-05,completed,USD"], {1: "order_id: missing"}),
    ("duplicate in the file", "orders", ["O2,C1,2026-01-05,completed,USD", "O2,C1,2026-01-06,completed,USD"], {2: "duplicate key: repeated in this file"}),
    ("orphan order", "orders", ["O2,C9,2026-01-05,completed,USD"], {1: "orphan: customer_id not in customers"}),
    ("orphan line", "order_lines", ["O9,1,software,false,false,1,10,0,10,5"], {1: "orphan: order_id not in orders"}),
    ("orphan invoice", "invoices", ["I2,C9,O9,2026-01-05,2026-02-04,9"], {1: "orphan: customer_id not in customers; orphan: order_id not in orders"}),
    ("orphan payment", "payments", ["P1,I9,2026-01-06,9"], {1: "orphan: invoice_id not in invoices"}),
    ("orphan ticket", "support_tickets", ["T1,C9,2026-01-05 10:00:00,,low,bug,false"], {1: "orphan: customer_id not in customers"}),
    ("negative amount", "order_lines", ["O1,2,software,false,false,1,-10,0,-10,5"], {1: "list_amount: negative; net_amount: negative"}),
    ("negative payment", "payments", ["P1,I1,2026-01-06,-9"], {1: "amount: negative"}),
    ("due before issued", "invoices", ["I2,C1,O1,2026-02-05,2026-01-04,9"], {1: "due_date: before issued_date"}),
    ("closed before opened", "support_tickets", ["T1,C1,2026-01-05 10:00:00,2026-01-04 10:00:00,low,bug,false"], {1: "closed_at: before opened_at"}),
    ("impossible year", "orders", ["O2,C1,2999-01-05,completed,USD"], {1: "order_date: impossible date"}),
    ("impossible time", "support_tickets", ["T1,C1,2100-12-31 00:00:00,,low,bug,false", "T2,C1,2100-12-31 00:00:01,,low,bug,false"], {2: "opened_at: impossible date"}),
    # values DuckDB would cast into something else: each is read exactly or quarantined
    ("integer not in decimal digits", "order_lines", ["O1,0x7A,software,false,false,1,10,0,10,5", "O1,0b11,software,false,false,1,10,0,10,5", "O1,1.5,software,false,false,1,10,0,10,5"], {1: "line_no: not a valid integer", 2: "line_no: not a valid integer", 3: "line_no: not a valid integer"}),
    ("special date words", "orders", ["O2,C1,epoch,completed,USD", "O3,C1,infinity,completed,USD", "O4,C1,-infinity,completed,USD"], {1: "order_date: not a valid date", 2: "order_date: not a valid date; order_date: impossible date", 3: "order_date: not a valid date; order_date: impossible date"}),
    ("special timestamp words", "support_tickets", ["T1,C1,epoch,,low,bug,false", "T2,C1,2026-01-05 10:00:00,infinity,low,bug,false"], {1: "opened_at: not a valid timestamp", 2: "closed_at: not a valid timestamp"}),
    ("amount beyond the scale", "order_lines", ["O1,2,software,false,false,1,10,0,1E-3,5", "O1,3,software,false,false,1,10,0,9.995,5"], {1: "net_amount: more than 2 decimal places", 2: "net_amount: more than 2 decimal places"}),
    ("unparseable timestamp offset", "support_tickets", ["T1,C1,2026-01-05 10:00:00 +02,,low,bug,false"], {1: "opened_at: not a valid timestamp"}),
]  # fmt: skip
HEADERS = {
    "orders": ORDERS,
    "order_lines": LINES,
    "invoices": INVOICES,
    "payments": PAYMENTS,
    "support_tickets": TICKETS,
}


@pytest.mark.parametrize(
    ("problem", "feed", "rows", "reasons"), ROW_PROBLEMS, ids=[p[0] for p in ROW_PROBLEMS]
)
def test_an_unusable_row_is_quarantined_with_its_reason_and_counts_reconcile(
    con, landing, problem, feed, rows, reasons
):
    path = _write(landing, feed, f"{feed}_1.csv", HEADERS[feed] + "\n".join(rows) + "\n")
    load = _load(con, landing, feed)
    assert _rejections(con, feed) == reasons, problem
    assert (load.rows_read, load.rows_rejected) == (len(rows), len(reasons))
    assert load.files == [str(path)]
    _assert_reconciles(con, load)
    record = con.execute("SELECT raw_record, source_file FROM quality.rejected_rows LIMIT 1").fetchone()
    assert record[1] == str(path) and record[0].startswith("{")


def _parquet(**columns) -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame(columns).write_parquet(buffer)
    return buffer.getvalue()


GOOD_PARQUET = _parquet(
    order_id=["O2"], customer_id=["C1"], order_date=["2026-01-05"], status=["completed"], currency=["USD"]
)
FILE_PROBLEMS = [
    # (problem, file name, content, message after the path)
    ("missing required column", "b.csv", "order_id,customer_id,status,currency\nO2,C1,completed,USD\n", r"b\.csv lacks required column\(s\) order_date; required order_id, customer_id, order_date"),
    ("renamed column", "b.csv", ORDERS.replace("customer_id", "client_id") + "O2,C1,2026-01-05,completed,USD\n", r"b\.csv lacks required column\(s\) customer_id; .* \(was customer_id renamed to client_id\?\)"),
    ("empty file", "b.csv", "", r"b\.csv is empty \(0 bytes\)"),
    ("truncated CSV", "b.csv", ORDERS + GOOD_ORDER.replace("O1", "O2") + "O3,C1,2026-0", r"b\.csv: line 3 has 3 field\(s\) where the header has 5: the file is truncated"),
    ("unterminated quote", "b.csv", ORDERS + 'O2,C1,2026-01-05,"compl', r"b\.csv: line 2: unexpected end of data: the file is truncated or badly quoted"),
    ("truncated Parquet", "b.parquet", GOOD_PARQUET[:-40], r"b\.parquet is truncated: a Parquet file ends with PAR1"),
    ("wrong encoding", "b.csv", (ORDERS + "O2,C1,2026-01-05,complété,USD\n").encode("latin-1"), r"b\.csv: is not UTF-8 encoded; export it as UTF-8"),
    ("UTF-16", "b.csv", (ORDERS + GOOD_ORDER).encode("utf-16"), r"b\.csv is named \.csv but is UTF-16 text"),
    ("wrong delimiter", "b.csv", (ORDERS + GOOD_ORDER).replace(",", ";"), r"b\.csv lacks required column\(s\) .* \(the file is semicolon-delimited; expected comma-separated values\)"),
    ("CSV named .parquet", "b.parquet", ORDERS + GOOD_ORDER, r"b\.parquet is named \.parquet but is CSV text"),
    ("Parquet named .csv", "b.csv", GOOD_PARQUET, r"b\.csv is named \.csv but is a Parquet file"),
    ("Excel named .csv", "b.csv", b"PK\x03\x04" + bytes(60), r"b\.csv is named \.csv but is a ZIP archive \(an Excel workbook\?\)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("problem", "name", "content", "message"), FILE_PROBLEMS, ids=[p[0] for p in FILE_PROBLEMS]
)
def test_a_whole_file_problem_names_the_file_and_leaves_earlier_loads_untouched(
    con, landing, problem, name, content, message
):
    before = con.execute("SELECT * FROM raw.orders ORDER BY order_id").fetchall()
    path = _write(landing, "orders", name, content)
    with pytest.raises(
        IngestError, match=rf"^feed 'orders': {re.escape(str(landing))}/orders/{message}"
    ) as raised:
        _load(con, landing, "orders")
    assert "Traceback" not in str(raised.value), problem
    assert con.execute("SELECT * FROM raw.orders ORDER BY order_id").fetchall() == before
    loaded = con.execute("SELECT source_file FROM quality.loaded_files WHERE feed = 'orders'").fetchall()
    assert (str(path),) not in loaded
    status, audit_message = con.execute(
        "SELECT status, message FROM quality.load_audit WHERE feed = 'orders' ORDER BY loaded_at DESC LIMIT 1"
    ).fetchone()
    assert status == "failed" and str(path) in audit_message


def test_an_unknown_extra_column_warns_and_the_rest_loads(con, landing):
    path = _write(landing, "orders", "b.csv", ORDERS.strip() + ",note\nO2,C1,2026-01-05,completed,USD,hi\n")
    load = _load(con, landing, "orders")
    assert (load.status, load.rows_loaded) == ("loaded", 1)
    assert load.warnings == [f"{path}: ignored unknown column(s) note"]
    note = con.execute(
        "SELECT message FROM quality.load_audit WHERE run_id = $r", {"r": load.run_id}
    ).fetchone()
    assert note == (f"{path}: ignored unknown column(s) note",)


def test_a_header_only_file_loads_nothing_and_is_not_an_error(con, landing):
    _write(landing, "orders", "b.csv", ORDERS)
    load = _load(con, landing, "orders")
    assert (load.status, load.rows_read, load.rows_loaded) == ("loaded", 0, 0)


def _orders(good: int, orphans: int) -> str:
    """Orders O2... of customer C1 (good), then orphans of the unknown customer C9."""
    ids = range(2, 2 + good + orphans)
    return ORDERS + "".join(
        f"O{i},{'C1' if n < good else 'C9'},2026-01-05,completed,USD\n" for n, i in enumerate(ids)
    )


def test_three_bad_rows_in_a_ten_row_nightly_file_are_quarantined_and_the_night_goes_on(con, landing):
    _write(landing, "orders", "b.csv", _orders(good=7, orphans=3))
    load = _load(con, landing, "orders", max_rejected_share=0.05)  # 30% rejected, but not above 100 rows
    assert (load.status, load.rows_read, load.rows_loaded, load.rows_rejected) == ("loaded", 10, 7, 3)
    assert load.rejected_by_reason == {"orphan: customer_id not in customers": 3}
    assert con.execute("SELECT count(*) FROM raw.orders").fetchone()[0] == 8
    _assert_reconciles(con, load)


@pytest.mark.parametrize(
    ("max_share", "max_rows", "status"),
    [(0.05, 2, "refused"), (0.05, 3, "loaded"), (0.30, 2, "loaded"), (0.29, 2, "refused")],
)
def test_a_batch_is_refused_only_above_both_the_share_and_the_count(
    con, landing, max_share, max_rows, status
):
    _write(landing, "orders", "b.csv", _orders(good=7, orphans=3))  # 3 of 10 rejected: 30%
    load = _load(con, landing, "orders", max_rejected_share=max_share, max_rejected_rows=max_rows)
    assert load.status == status


def test_a_feed_rejected_above_the_limits_is_refused_whole_and_read_again_next_run(con, landing):
    _write(landing, "orders", "b.csv", _orders(good=18, orphans=1))
    refused = _load(con, landing, "orders", max_rejected_share=0.05, max_rejected_rows=0)
    assert refused.status == "refused"
    assert (
        "1 of 19 rows read (5.3%) cannot be used, more than the allowed 5.0% (TIERS_MAX_REJECTED_SHARE) and 0 "
        "rows (TIERS_MAX_REJECTED_ROWS): nothing was loaded"
    ) in refused.message
    assert (refused.rows_loaded, refused.rows_rejected, refused.rows_held_back) == (0, 1, 18)
    assert con.execute("SELECT count(*) FROM raw.orders").fetchone()[0] == 1  # the earlier load only
    audit = con.execute(
        "SELECT status, rows_read, rows_loaded, rows_rejected, rows_held_back FROM quality.load_audit "
        "WHERE run_id = $r",
        {"r": refused.run_id},
    ).fetchone()
    assert audit == ("refused", 19, 0, 1, 18)
    assert _rejections(con, "orders") == {19: "orphan: customer_id not in customers"}
    accepted = _load(con, landing, "orders", max_rejected_share=0.10, max_rejected_rows=0)
    assert (accepted.status, accepted.rows_loaded, accepted.rows_rejected) == ("loaded", 18, 1)
    _assert_reconciles(con, accepted)


def test_a_link_out_of_the_feed_folder_is_refused(landing, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "secrets.csv"
    outside.write_text(ORDERS + GOOD_ORDER)
    (landing / "orders" / "link.csv").symlink_to(outside)
    with pytest.raises(IngestError, match=r"link\.csv points outside .*orders; refused"):
        feed_files(landing, FEEDS["orders"])


def test_values_and_paths_are_data_never_sql(con, landing):
    hostile = "x'); DROP TABLE raw.customers; --"
    path = _write(
        landing,
        "orders",
        "it's; DROP TABLE raw.orders.csv",
        ORDERS + f'"{hostile}",C1,2026-01-05,completed,USD\n',
    )
    load = _load(con, landing, "orders")
    assert load.rows_loaded == 1 and load.files == [str(path)]
    assert con.execute(
        "SELECT order_id FROM raw.orders WHERE _source_file = $p", {"p": str(path)}
    ).fetchone() == (hostile,)
    assert con.execute("SELECT count(*) FROM raw.customers").fetchone()[0] == 1


def test_a_key_repeated_in_a_file_is_quarantined_and_in_a_later_file_of_the_load_is_an_update(con, landing):
    _write(
        landing,
        "orders",
        "b.csv",
        ORDERS + "O2,C1,2026-01-05,completed,USD\nO2,C1,2026-01-06,completed,USD\n",
    )
    _write(
        landing,
        "orders",
        "c.csv",
        ORDERS + "O2,C1,2026-01-05,returned,USD\nO3,C1,2026-01-07,completed,USD\n",
    )
    load = _load(con, landing, "orders")
    assert (load.rows_loaded, load.rows_updated, load.rows_rejected) == (3, 1, 1)
    assert con.execute(
        "SELECT order_id, status, _source_file FROM raw.orders WHERE order_id > 'O1' ORDER BY 1"
    ).fetchall() == [
        ("O2", "returned", str(landing / "orders" / "c.csv")),
        ("O3", "completed", str(landing / "orders" / "c.csv")),
    ]
    rejected = con.execute("SELECT source_file, row_number, reason FROM quality.rejected_rows").fetchall()
    assert [(Path(f).name, n, reason) for f, n, reason in rejected] == [
        ("b.csv", 2, "duplicate key: repeated in this file")
    ]
    updates = con.execute(
        "SELECT key, file, changed_columns, previous_file FROM quality.row_updates"
    ).fetchall()
    assert updates == [
        (
            '{"order_id":"O2"}',
            str(landing / "orders" / "c.csv"),
            ["status"],
            str(landing / "orders" / "b.csv"),
        )
    ]


def test_parquet_columns_of_the_contract_types_are_still_checked_for_missing_values_and_rules(con, landing):
    typed = pl.DataFrame(
        {
            "order_id": ["O2", None, "O4"],
            "customer_id": ["C1", "C1", "C1"],
            "order_date": [date(2026, 1, 5), date(2026, 1, 5), date(2999, 1, 5)],
            "status": ["completed"] * 3,
            "currency": ["USD"] * 3,
        }
    )
    buffer = io.BytesIO()
    typed.write_parquet(buffer)
    _write(landing, "orders", "b.parquet", buffer.getvalue())
    load = _load(con, landing, "orders")
    assert (load.rows_loaded, load.rows_rejected) == (1, 2)
    assert _rejections(con, "orders") == {2: "order_id: missing", 3: "order_date: impossible date"}
    raw_record = con.execute("SELECT raw_record FROM quality.rejected_rows WHERE row_number = 3").fetchone()[
        0
    ]
    assert '"order_date":"2999-01-05"' in raw_record
    _assert_reconciles(con, load)


def test_non_finite_doubles_of_a_parquet_file_are_quarantined_though_of_the_contract_type(con, landing):
    lines = pl.DataFrame(
        {
            "order_id": ["O1"] * 3,
            "line_no": [2, 3, 4],
            "quantity": [float("nan"), float("inf"), 2.0],
            "net_amount": [10.0] * 3,
        }
    )
    buffer = io.BytesIO()
    lines.write_parquet(buffer)
    _write(landing, "order_lines", "b.parquet", buffer.getvalue())
    load = _load(con, landing, "order_lines")
    assert (load.rows_loaded, load.rows_rejected) == (1, 2)
    assert _rejections(con, "order_lines") == {
        1: "quantity: not a finite number",
        2: "quantity: not a finite number",
    }
    _assert_reconciles(con, load)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("extra", ["_row_number", "ROWID", "file_row_number", "rowid,file_row_number"])
def test_extra_columns_named_like_helper_columns_are_the_files_own(con, landing, fmt, extra):
    """Columns named `_row_number`, `ROWID` or `file_row_number` are the file's: ignored as unknown like any
    other, the rows numbered as always (the loader's own row number is `_tiers_row_number`)."""
    text = ORDERS.strip() + f",{extra}\n"
    text += "".join(f"O{n},C1,2026-01-0{n},completed,USD{',x' * len(extra.split(','))}\n" for n in (2, 3))
    text += "O4,C1,05/01/2026,completed,USD" + ",x" * len(extra.split(",")) + "\n"
    if fmt == "csv":
        path = _write(landing, "orders", "extra.csv", text)
    else:
        path = landing / "orders" / "extra.parquet"
        pl.read_csv(io.StringIO(text), infer_schema=False).write_parquet(path)
    load = _load(con, landing, "orders")
    assert (load.status, load.rows_read, load.rows_loaded, load.rows_rejected) == ("loaded", 3, 2, 1)
    assert load.warnings == [f"{path}: ignored unknown column(s) {extra.replace(',', ', ')}"]
    rows = con.execute(
        "SELECT order_id, _row_number FROM raw.orders WHERE _source_file = $f ORDER BY 1", {"f": str(path)}
    ).fetchall()
    assert rows == [("O2", 1), ("O3", 2)]
    assert _rejections(con, "orders") == {3: "order_date: not a valid date"}


def test_a_value_of_3_mb_loads_and_a_longer_line_than_allowed_is_named_as_such(con, landing):
    big = "U" * 3_000_000
    _write(
        landing, "orders", "big.csv", ORDERS.strip() + ",note\n" + f"O2,C1,2026-01-06,completed,USD,{big}\n"
    )
    load = _load(con, landing, "orders")
    assert (load.status, load.rows_read, load.rows_loaded) == ("loaded", 1, 1)
    path = _write(
        landing,
        "orders",
        "huge.csv",
        ORDERS.strip() + ",note\n" + f"O3,C1,2026-01-06,completed,USD,{big * 3}\n",
    )
    with pytest.raises(IngestError) as raised:
        _load(con, landing, "orders")
    assert str(raised.value) == (
        f"feed 'orders': {path}: a line is 9,000,032 bytes long, more than the 8,388,608 a line may hold: a "
        "value that large, or a quote left open"
    )


def test_mixed_crlf_and_lf_line_endings_are_named_as_such(con, landing):
    text = (ORDERS + "O2,C1,2026-01-06,completed,USD\n").replace(
        "\n", "\r\n"
    ) + "O3,C1,2026-01-07,completed,USD\n"
    path = _write(landing, "orders", "mixed.csv", text)
    with pytest.raises(IngestError) as raised:
        _load(con, landing, "orders")
    assert str(raised.value) == (
        f"feed 'orders': {path}: line 3 ends with LF where the header ends with CRLF: the file mixes Windows and "
        "Unix line endings; export it with one kind"
    )


def _column(con, feed: str, select: str, order: str) -> list:
    return [row[0] for row in con.execute(f"SELECT {select} FROM raw.{feed} ORDER BY {order}").fetchall()]


def test_keys_and_references_are_trimmed_blank_is_missing_and_case_is_kept_with_a_warning(con, landing):
    """The key rule: ' C1' is C1, '   ' is missing, c2 stays c2 beside C2 with a warning; a reference is read
    the same way, so an order of ' C1' is C1's and an invoice of order '  ' has none."""
    _write(
        landing,
        "customers",
        "customers_1.csv",
        "customer_id,name\nC2,B\n C1 ,A\nc2,b\n   ,ghost\n",
    )
    customers = _load(con, landing, "customers")
    assert _column(con, "customers", "customer_id", "customer_id") == ["C1", "C2", "c2"]
    assert _rejections(con, "customers") == {4: "customer_id: missing"}
    assert (customers.rows_read, customers.rows_loaded, customers.rows_rejected) == (4, 3, 1)  # C1 updated
    (warning,) = customers.warnings
    assert warning.startswith("feed 'customers': 1 pair(s) of keys differ only in case")
    assert '{"customer_id":"C2"} / {"customer_id":"c2"}' in warning
    audit = "SELECT message FROM quality.load_audit WHERE run_id = $run"
    assert warning in con.execute(audit, {"run": customers.run_id}).fetchone()[0]

    _write(
        landing,
        "orders",
        "orders_1.csv",
        ORDERS + "O2, C1 ,2026-01-05,completed,USD\n O1,C1,2026-01-05,completed,USD\n",
    )
    orders = _load(con, landing, "orders")
    assert _column(con, "orders", "order_id || '>' || customer_id", "order_id") == ["O1>C1", "O2>C1"]
    assert (orders.rows_rejected, orders.rows_skipped, orders.warnings) == (0, 1, [])  # ' O1' is O1, re-sent
    _write(landing, "invoices", "invoices_1.csv", INVOICES + "I2,C1,  ,2026-01-05,,9.00\n")
    _load(con, landing, "invoices")
    assert _column(con, "invoices", "order_id", "invoice_id") == ["O1", None]


def test_currency_codes_are_trimmed_and_upper_case_and_a_code_written_twice_is_a_duplicate(con, landing):
    _write(landing, "fx_rates", "fx.csv", "currency,rate_to_base\nEUR,1.08\neur ,1.50\n gbp,1.27\n")
    load = _load(con, landing, "fx_rates")
    assert dict(con.execute("SELECT currency, rate_to_base FROM raw.fx_rates").fetchall()) == {
        "EUR": 1.08,
        "GBP": 1.27,
    }
    reason = "duplicate key: repeated in this file, written differently (keys are trimmed, codes upper-cased)"
    assert _rejections(con, "fx_rates") == {2: reason}
    _write(
        landing,
        "orders",
        "orders_1.csv",
        ORDERS + "O2,C1,2026-01-05,completed, eur\nO3,C1,2026-01-05,completed,  \n",
    )
    _load(con, landing, "orders")
    assert _column(con, "orders", "currency", "order_id") == ["USD", "EUR", None]  # blank: the base currency
    _assert_reconciles(con, load)


@pytest.mark.parametrize("time_zone", ["UTC", "Asia/Tokyo", "America/Los_Angeles"])
def test_timestamps_with_an_offset_are_stored_in_utc_whatever_the_session_time_zone(con, landing, time_zone):
    con.execute(f"SET TimeZone = '{time_zone}'")
    rows = ["T1,C1,2024-05-01T10:00:00+02:00,2024-05-01T09:30:00Z,low,bug,false", "T2,C1,2024-05-01 10:00:00,,low,bug,false", "T3,C1,2024-05-01 10:00:00 Europe/Berlin,2024-05-01T09:00:00.5-03:30,low,bug,false"]  # fmt: skip
    _write(landing, "support_tickets", "tickets.csv", TICKETS + "\n".join(rows) + "\n")
    load = _load(con, landing, "support_tickets")
    assert load.rows_rejected == 0
    times = (
        "SELECT ticket_id, opened_at, closed_at, closed_at - opened_at FROM raw.support_tickets ORDER BY 1"
    )
    assert con.execute(times).fetchall() == [
        ("T1", datetime(2024, 5, 1, 8, 0), datetime(2024, 5, 1, 9, 30), timedelta(minutes=90)),
        ("T2", datetime(2024, 5, 1, 10, 0), None, None),  # no offset: as written
        ("T3", datetime(2024, 5, 1, 8, 0), datetime(2024, 5, 1, 12, 30, 0, 500000), timedelta(hours=4, minutes=30, seconds=0.5)),
    ]  # fmt: skip


@pytest.mark.parametrize("time_zone", ["UTC", "Asia/Tokyo"])
def test_a_parquet_timestamp_with_time_zone_is_stored_in_utc(con, landing, time_zone):
    con.execute(f"SET TimeZone = '{time_zone}'")
    tickets = pl.DataFrame(
        {
            "ticket_id": ["T1"],
            "customer_id": ["C1"],
            "opened_at": [datetime(2024, 5, 1, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))],
            "closed_at": [datetime(2024, 5, 1, 9, 30, tzinfo=UTC)],
        }
    )
    buffer = io.BytesIO()
    tickets.write_parquet(buffer)
    _write(landing, "support_tickets", "tickets.parquet", buffer.getvalue())
    _load(con, landing, "support_tickets")
    assert con.execute("SELECT opened_at, closed_at FROM raw.support_tickets").fetchall() == [
        (datetime(2024, 5, 1, 8, 0), datetime(2024, 5, 1, 9, 30))
    ]


def test_parquet_values_that_a_cast_would_change_are_quarantined(con, landing):
    """A struct, list or map is no scalar value (never stored as its text); a double that a DECIMAL(18,2) or an
    INTEGER would round is not read as the rounded number."""
    customers = pl.DataFrame(
        {
            "customer_id": [{"id": "C7"}, {"id": "C8"}],
            "name": [["A"], ["B"]],
        }
    )
    buffer = io.BytesIO()
    customers.write_parquet(buffer)
    _write(landing, "customers", "customers.parquet", buffer.getvalue())
    _load(con, landing, "customers")
    reasons = "customer_id: not a valid varchar; name: not a valid varchar"
    assert _rejections(con, "customers") == {1: reasons, 2: reasons}
    lines = pl.DataFrame(
        {
            "order_id": ["O1"] * 4,
            "line_no": [2.0, 3.5, 4.0, 5.0],
            "net_amount": [10.25, 10.0, 0.001, 12.345],
            "quantity": [1, 1, 1, 1],
        }
    )
    buffer = io.BytesIO()
    lines.write_parquet(buffer)
    _write(landing, "order_lines", "lines.parquet", buffer.getvalue())
    _load(con, landing, "order_lines")
    assert _rejections(con, "order_lines") == {
        2: "line_no: not a valid integer",
        3: "net_amount: more than 2 decimal places",
        4: "net_amount: more than 2 decimal places",
    }
    assert _column(con, "order_lines", "net_amount", "line_no") == [Decimal("9.00"), Decimal("10.25")]
