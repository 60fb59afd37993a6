"""Incremental ingestion: a landing file is read again only when its content changed (looked at only when its size
or modification time did); a key loaded before is an update when its row changed (the newer file wins,
quality.row_updates records it) and skipped when identical; a full reload rebuilds."""

import os

import duckdb
import pytest

from tiering.feeds import FEEDS
from tiering.warehouse.ingest import FeedLoad, LoadOptions, feed_files, load_feed

CUSTOMERS = "customer_id,name,industry,employees,region,signup_date\n"


def _customers(i: int) -> str:
    return f"C{i},Customer {i},software,10,EU,2020-01-0{i}\n"


def _load(con, landing, full_reload: bool = False) -> FeedLoad:
    options = LoadOptions(max_rejected_share=1.0, full_reload=full_reload)
    return load_feed(con, FEEDS["customers"], feed_files(landing, FEEDS["customers"]), options)


def _raw(con) -> list[tuple]:
    return con.execute("SELECT customer_id, _source_file FROM raw.customers ORDER BY customer_id").fetchall()


@pytest.fixture
def landing(tmp_path):
    (tmp_path / "customers").mkdir()
    (tmp_path / "customers" / "a.csv").write_text(CUSTOMERS + _customers(1) + _customers(2))
    return tmp_path


@pytest.fixture
def con():
    with duckdb.connect() as connection:
        yield connection


def test_a_second_load_of_the_same_files_is_idempotent(con, landing):
    first = _load(con, landing)
    rows = _raw(con)
    second = _load(con, landing)
    assert (first.status, first.rows_loaded) == ("loaded", 2)
    assert (second.status, second.rows_read, second.files_unchanged) == ("unchanged", 0, 1)
    assert _raw(con) == rows
    audit = con.execute(
        "SELECT status, rows_read, files, files_unchanged FROM quality.load_audit ORDER BY loaded_at"
    )
    assert audit.fetchall() == [("loaded", 2, 1, 0), ("unchanged", 0, 0, 1)]


def test_a_new_file_is_loaded_once_and_an_identical_key_loaded_before_is_skipped(con, landing):
    _load(con, landing)
    (landing / "customers" / "b.csv").write_text(CUSTOMERS + _customers(2) + _customers(3))
    load = _load(con, landing)
    assert (load.files, load.files_unchanged) == ([str(landing / "customers" / "b.csv")], 1)
    assert (load.rows_read, load.rows_loaded, load.rows_skipped, load.rows_rejected) == (2, 1, 1, 0)
    assert _raw(con) == [
        ("C1", str(landing / "customers" / "a.csv")),
        ("C2", str(landing / "customers" / "a.csv")),  # the identical re-sent row is skipped
        ("C3", str(landing / "customers" / "b.csv")),
    ]
    assert con.execute("SELECT count(*) FROM quality.rejected_rows").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM quality.row_updates").fetchone()[0] == 0
    manifest = con.execute(
        "SELECT file_name, rows_read, rows_loaded, rows_skipped FROM quality.loaded_files ORDER BY 1"
    )
    assert manifest.fetchall() == [("a.csv", 2, 2, 0), ("b.csv", 2, 1, 1)]
    audit = con.execute(
        "SELECT rows_skipped, rows_held_back FROM quality.load_audit WHERE run_id = $r", {"r": load.run_id}
    )
    assert audit.fetchone() == (1, 0)


def test_a_file_changed_after_loading_is_read_again_and_the_newer_version_wins(con, landing):
    first = _load(con, landing)
    edited = "C2,Customer 2 Ltd,software,12,EU,2020-01-02\n"
    (landing / "customers" / "a.csv").write_text(CUSTOMERS + _customers(1) + edited + _customers(4))
    load = _load(con, landing)
    assert (load.status, load.files, load.files_unchanged) == (
        "loaded",
        [str(landing / "customers" / "a.csv")],
        0,
    )
    assert (load.rows_read, load.rows_loaded, load.rows_updated, load.rows_skipped) == (3, 2, 1, 1)
    assert len(load.changed) == 1
    assert f"{landing / 'customers' / 'a.csv'} changed since it was loaded on " in load.changed[0]
    assert load.changed[0].endswith(": read again")
    rows = con.execute("SELECT customer_id, name, employees FROM raw.customers ORDER BY 1").fetchall()
    assert rows == [("C1", "Customer 1", 10), ("C2", "Customer 2 Ltd", 12), ("C4", "Customer 4", 10)]
    updates = con.execute(
        "SELECT feed, key, file, changed_columns, previous_record, run_id FROM quality.row_updates"
    )
    assert updates.fetchall() == [
        (
            "customers",
            '{"customer_id":"C2"}',
            str(landing / "customers" / "a.csv"),
            ["name", "employees"],
            '{"customer_id":"C2","name":"Customer 2","industry":"software","employees":10,"region":"EU",'
            '"account_owner":null,"signup_date":"2020-01-02","parent_id":null}',
            load.run_id,
        )
    ]
    manifest = con.execute(
        "SELECT rows_read, rows_loaded, rows_updated, rows_skipped, run_id FROM quality.loaded_files"
    )
    assert manifest.fetchall() == [(3, 2, 1, 1, load.run_id)]
    audit = con.execute(
        "SELECT status, files_changed, rows_updated, message FROM quality.load_audit WHERE run_id = $r",
        {"r": load.run_id},
    )
    assert audit.fetchone() == ("loaded", 1, 1, load.changed[0])
    assert first.run_id != load.run_id
    again = _load(con, landing)
    assert (again.status, again.rows_read, again.files_unchanged) == ("unchanged", 0, 1)


def _manifest(con) -> tuple:
    return con.execute(
        "SELECT size_bytes, modified_ns, loaded_at, run_id FROM quality.loaded_files"
    ).fetchone()


def _names(con) -> list[str]:
    return [name for (name,) in con.execute("SELECT name FROM raw.customers ORDER BY 1").fetchall()]


def test_a_file_is_known_by_its_size_and_modification_time_and_a_touched_one_by_its_checksum(con, landing):
    path = landing / "customers" / "a.csv"
    first = _load(con, landing)
    stat = path.stat()
    size, modified, loaded_at, run_id = _manifest(con)
    assert (size, modified, run_id) == (stat.st_size, stat.st_mtime_ns, first.run_id)

    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # touched: the checksum says unchanged
    touched = _load(con, landing)
    assert (touched.status, touched.rows_read, touched.files_unchanged) == ("unchanged", 0, 1)
    assert touched.changed == []
    # restamped, not loaded again
    assert _manifest(con) == (size, stat.st_mtime_ns + 10**9, loaded_at, first.run_id)

    # the same size and modification time: not read, not even hashed (as make and rsync judge files); an edit
    # that keeps both (a tool that restores the time) needs --full-reload
    path.write_text(path.read_text().replace("Customer 1", "Customer X"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    kept = _load(con, landing)
    assert (kept.status, kept.rows_read, kept.files_unchanged) == ("unchanged", 0, 1)
    assert _names(con) == ["Customer 1", "Customer 2"]

    con.execute("UPDATE quality.loaded_files SET modified_ns = NULL")  # a manifest of a version before stamps
    hashed = _load(con, landing)
    assert (hashed.status, hashed.rows_updated, len(hashed.changed)) == ("loaded", 1, 1)
    assert _manifest(con)[:2] == (path.stat().st_size, path.stat().st_mtime_ns)
    assert _names(con) == ["Customer 2", "Customer X"]


def test_a_full_reload_rebuilds_the_feed_from_every_file(con, landing):
    (landing / "customers" / "b.csv").write_text(CUSTOMERS + _customers(2) + _customers(2))
    _load(con, landing)
    assert con.execute("SELECT count(*) FROM quality.rejected_rows").fetchone()[0] == 1
    (landing / "customers" / "b.csv").write_text(CUSTOMERS + _customers(2).replace("EU", "US"))
    (landing / "customers" / "a.csv").write_text(CUSTOMERS + _customers(1) + _customers(2) + _customers(4))
    _load(con, landing)
    assert con.execute("SELECT count(*) FROM quality.row_updates").fetchone()[0] == 1
    load = _load(con, landing, full_reload=True)
    assert (load.rows_read, load.rows_loaded, load.rows_updated, load.rows_rejected) == (4, 4, 1, 0)
    rows = con.execute("SELECT customer_id, region FROM raw.customers ORDER BY 1").fetchall()
    assert rows == [("C1", "EU"), ("C2", "US"), ("C4", "EU")]  # b.csv, loaded after a.csv, wins as before
    assert con.execute("SELECT count(*) FROM quality.rejected_rows").fetchone()[0] == 0
    assert (
        con.execute(
            "SELECT count(*) FROM quality.row_updates WHERE run_id = $r", {"r": load.run_id}
        ).fetchone()[0]
        == 1
    )
    assert con.execute("SELECT count(*) FROM quality.row_updates").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM quality.loaded_files").fetchone()[0] == 2


def test_a_database_written_by_the_previous_version_is_rebuilt_from_the_files(con, landing):
    con.execute("CREATE SCHEMA quality; CREATE SCHEMA raw")
    con.execute("CREATE TABLE quality.load_audit (feed VARCHAR, files INT, rows_read BIGINT)")
    con.execute("CREATE TABLE raw.customers AS SELECT 'OLD' AS customer_id")
    load = _load(con, landing)
    assert (load.status, load.rows_loaded) == ("loaded", 2)
    assert [r[0] for r in _raw(con)] == ["C1", "C2"]


def test_the_rejections_report_shows_a_rewritten_file_loaded_with_its_update(landing, tmp_path):
    from tiering.warehouse.quality.report import rejections_report

    with duckdb.connect(str(tmp_path / "work.duckdb")) as con:
        _load(con, landing)
        (landing / "customers" / "a.csv").write_text(
            CUSTOMERS + _customers(1).replace("EU", "US") + _customers(2)
        )
        load = _load(con, landing)
    shown = rejections_report(tmp_path / "work.duckdb")
    assert (
        "customers        loaded        1       2        1        (1)        1         0          0" in shown
    )
    assert f"{landing / 'customers' / 'a.csv'} changed since it was loaded on " in shown
    assert f"SELECT * FROM quality.row_updates WHERE run_id = '{load.run_id}'" in shown
    assert "unchanged" not in shown


def test_a_column_declared_after_the_raw_table_was_made_is_added_to_it(con, landing):
    _load(con, landing)
    con.execute(
        "ALTER TABLE raw.customers DROP COLUMN account_owner"
    )  # a warehouse made before its declaration
    assert _load(con, landing).status == "unchanged"
    rows = con.execute("SELECT customer_id, account_owner FROM raw.customers ORDER BY customer_id").fetchall()
    assert rows == [("C1", None), ("C2", None)]  # unknown for the rows loaded before: a full reload reads it


def test_the_audit_records_each_load_and_an_audit_made_before_loads_were_numbered_gets_the_column(
    con, landing
):
    first = _load(con, landing)
    con.execute("ALTER TABLE quality.load_audit DROP COLUMN load_id")  # a warehouse of an older version
    (landing / "customers" / "b.csv").write_text(CUSTOMERS + _customers(3))
    second = _load(con, landing)
    audit = con.execute("SELECT load_id FROM quality.load_audit ORDER BY loaded_at").fetchall()
    assert audit == [(None,), (second.load_id,)] and first.load_id != second.load_id
    raw = (
        "SELECT customer_id FROM raw.customers WHERE _load_id = (SELECT max(load_id) FROM quality.load_audit)"
    )
    assert con.execute(raw).fetchall() == [("C3",)]
