"""Landing files as files: names and folders with glob characters read literally, gzip CSV loaded, other files
warned about, rows starting with '#' kept and counted apart from DuckDB, files still being written left for the
next run (issue 15, items 2, 3, 6 and 7). Every test counts the rows: none lost."""

import gzip
import hashlib
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tiering.feeds import FEEDS
from tiering.warehouse.ingest import FeedLoad, IngestError, LoadOptions, feed_files, load_feed
from tiering.warehouse.quality.files import csv_records

CUSTOMERS = "customer_id,name,industry,employees,region,signup_date\nC1,A,software,10,EU,2020-01-01\n"
ORDERS = "order_id,customer_id,order_date,status,currency\n"
GOOD_ORDER = "O1,C1,2026-01-05,completed,USD\n"


def _write(landing: Path, feed: str, name: str, content: str | bytes) -> Path:
    path = landing / feed / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def _load(con, landing: Path, feed: str, settle_seconds: float = 0.0) -> FeedLoad:
    options = LoadOptions(max_rejected_share=1.0, settle_seconds=settle_seconds)
    return load_feed(con, FEEDS[feed], feed_files(landing, FEEDS[feed]), options)


def _order(n: int) -> str:
    return f"O{n},C1,2026-01-05,completed,USD\n"


def _parents(landing: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    _write(landing, "customers", "customers.csv", CUSTOMERS)
    _load(con, landing, "customers")
    return con


def _orders_by_file(con) -> dict[str, list[str]]:
    rows = con.execute("SELECT _source_file, order_id FROM raw.orders ORDER BY order_id").fetchall()
    by_file: dict[str, list[str]] = {}
    for source, order_id in rows:
        by_file.setdefault(Path(source).name, []).append(order_id)
    return by_file


def test_file_names_with_glob_characters_are_read_as_themselves(tmp_path):
    con = _parents(tmp_path)
    files = {"extra_[ab].csv": 2, "extra_a.csv": 3, "orders_202?.csv": 4, "orders_2024.csv": 5, "*.csv": 6}
    for name, n in files.items():
        _write(tmp_path, "orders", name, ORDERS + _order(n))
    load = _load(con, tmp_path, "orders")
    assert (load.rows_read, load.rows_loaded) == (5, 5)
    assert _orders_by_file(con) == {name: [f"O{n}"] for name, n in files.items()}


def test_a_landing_folder_with_glob_characters_is_read_as_itself(tmp_path):
    landing, lookalike = tmp_path / "in[1]", tmp_path / "in1"  # 'in[1]' as a pattern matches 'in1'
    _write(lookalike, "orders", "orders.csv", ORDERS + _order(9))
    _write(lookalike, "orders", "orders.parquet", b"")
    con = _parents(landing)
    _write(landing, "orders", "orders.csv", ORDERS + GOOD_ORDER)
    pl.DataFrame(
        {
            "order_id": ["O2"],
            "customer_id": ["C1"],
            "order_date": ["2026-01-06"],
            "status": ["completed"],
            "currency": ["USD"],
        }
    ).write_parquet(landing / "orders" / "orders.parquet")
    load = _load(con, landing, "orders")
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (2, 2, 0)
    assert _orders_by_file(con) == {"orders.csv": ["O1"], "orders.parquet": ["O2"]}
    sources = {
        s
        for (s,) in con.execute(
            "SELECT source_file FROM quality.loaded_files WHERE feed = 'orders'"
        ).fetchall()
    }
    assert sources == {str(landing / "orders" / "orders.csv"), str(landing / "orders" / "orders.parquet")}


def test_gzip_csv_is_loaded_and_other_files_are_named_in_a_warning(tmp_path):
    con = _parents(tmp_path)
    _write(tmp_path, "orders", "orders.csv", ORDERS + GOOD_ORDER)
    _write(tmp_path, "orders", "more.csv.gz", gzip.compress((ORDERS + _order(2) + _order(3)).encode()))
    others = ["a.txt", "b.tsv", "orders.csv ", "c.xlsx"]
    for name in others:
        _write(tmp_path, "orders", name, ORDERS + _order(8))
    _write(tmp_path, "orders", ".~lock.orders.csv#", "editor lock")  # hidden: left alone
    (tmp_path / "orders" / "archive").mkdir()
    load = _load(con, tmp_path, "orders")
    assert (load.rows_read, load.rows_loaded) == (3, 3)
    assert _orders_by_file(con) == {"orders.csv": ["O1"], "more.csv.gz": ["O2", "O3"]}
    folder = tmp_path / "orders"
    assert load.warnings == [
        f"{folder / 'a.txt'}: not read: only .csv, .csv.gz and .parquet files are loaded; convert or rename it, "
        "or move it",
        f"{folder / 'archive'}: not read: not a file (a feed's files are read from its folder, not from "
        "sub-folders)",
        f"{folder / 'b.tsv'}: not read: only .csv, .csv.gz and .parquet files are loaded; convert or rename it, "
        "or move it",
        f"{folder / 'c.xlsx'}: not read: only .csv, .csv.gz and .parquet files are loaded; convert or rename "
        "it, or move it",
        f"'{folder / 'orders.csv '}': not read: its name begins or ends with a space; rename it to 'orders.csv'",
    ]
    (message,) = con.execute("SELECT message FROM quality.load_audit WHERE feed = 'orders'").fetchone()
    assert message.splitlines() == load.warnings


def test_a_csv_gz_that_is_not_gzip_is_refused_in_one_line(tmp_path):
    con = _parents(tmp_path)
    path = _write(tmp_path, "orders", "orders.csv.gz", ORDERS + GOOD_ORDER)
    with pytest.raises(IngestError) as refused:
        _load(con, tmp_path, "orders")
    assert str(refused.value) == (
        f"feed 'orders': {path} is named .csv.gz but is CSV text; expected gzip-compressed CSV"
    )


def test_rows_starting_with_a_hash_are_rows_not_comments(tmp_path):
    con = _parents(tmp_path)
    rows = [_order(n).replace("O", "#O", 1) if n % 2 else _order(n) for n in range(1, 41)]
    _write(tmp_path, "orders", "orders.csv", ORDERS + "".join(rows))
    load = _load(con, tmp_path, "orders")
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (40, 40, 0)


def test_a_line_starting_with_a_hash_is_not_dropped_in_silence(tmp_path):
    con = _parents(tmp_path)
    path = _write(tmp_path, "orders", "orders.csv", ORDERS + "#exported by ERP\n" + GOOD_ORDER + "#end\n")
    with pytest.raises(IngestError, match=rf"{path}: line 2 has 1 field\(s\) where the header has 5"):
        _load(con, tmp_path, "orders")
    audit = "SELECT status, rows_read, rows_loaded FROM quality.load_audit WHERE feed = 'orders'"
    assert con.execute(audit).fetchall() == [("failed", 0, 0)]


@pytest.mark.parametrize(
    "text",
    [
        b"a,b\n1,2\n3,4\n",
        b"a,b\n1,2\n3,4",
        b"a,b\r\n1,2\r\n\r\n3,4\r\n",
        b"a,b\r1,2\r3,4\r",
        b'a,b\n"x\ny",2\n"q""\n",3\n\n\n',
        b'a,b\r\n1,"x\r\ny"\r\n',
        b"a,b\n",
        b'a,b\n#c,1\n"",2\n',
    ],
)
def test_csv_records_are_counted_as_duckdb_reads_them_in_any_chunks(tmp_path, text):
    path = tmp_path / "f.csv"
    path.write_bytes(text)
    sql = "SELECT count(*) FROM read_csv($path, all_varchar = true, header = true, comment = '', strict_mode = true)"
    (expected,) = duckdb.connect().execute(sql, {"path": str(path)}).fetchone()
    for size in (1, 2, 3, len(text)):
        assert csv_records(text[i : i + size] for i in range(0, len(text), size)) == expected


def _appending(path: Path, first: int, last: int, pause: float) -> threading.Thread:
    """A writer appending one order a line to `path`, every `pause` seconds."""

    def write() -> None:
        for n in range(first, last + 1):
            with path.open("a") as handle:
                handle.write(_order(n))
            time.sleep(pause)

    return threading.Thread(target=write)


def _manifest(con) -> dict[str, str]:
    return dict(
        con.execute("SELECT file_name, sha256 FROM quality.loaded_files WHERE feed = 'orders'").fetchall()
    )


@pytest.mark.parametrize("settle_seconds", [0.5, 0.0])
def test_a_file_still_being_written_is_left_for_the_next_run(tmp_path, settle_seconds):
    """Written to within the settle window (0.5 s), or while it is read (no window): not loaded and not in the
    manifest this run; once the writer is done, the next run loads every row."""
    con = _parents(tmp_path)
    _write(tmp_path, "orders", "done.csv", ORDERS + GOOD_ORDER)
    path = _write(tmp_path, "orders", "growing.csv", ORDERS + "".join(_order(n) for n in range(2, 2000)))
    writer = _appending(path, 2000, 2150, 0.01)
    writer.start()
    try:
        load = _load(con, tmp_path, "orders", settle_seconds)
    finally:
        writer.join()
    assert load.warnings == [
        f"{path}: not read: it was still being written (it changed during the load); the next run reads it"
    ]
    assert (load.rows_read, load.rows_loaded) == (1, 1)
    assert list(_manifest(con)) == ["done.csv"]
    time.sleep(settle_seconds)
    load = _load(con, tmp_path, "orders", settle_seconds)
    assert (load.warnings, load.rows_read, load.rows_loaded) == ([], 2149, 2149)
    assert con.execute("SELECT count(*) FROM raw.orders").fetchone() == (2150,)
    assert _manifest(con)["growing.csv"] == hashlib.sha256(path.read_bytes()).hexdigest()
