"""Incremental ingestion: each landing file is loaded once, a changed file is reported, a full reload rebuilds."""

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


def test_a_new_file_is_loaded_once_and_a_key_loaded_before_is_quarantined(con, landing):
    _load(con, landing)
    (landing / "customers" / "b.csv").write_text(CUSTOMERS + _customers(2) + _customers(3))
    load = _load(con, landing)
    assert (load.files, load.files_unchanged) == ([str(landing / "customers" / "b.csv")], 1)
    assert (load.rows_loaded, load.rows_rejected) == (1, 1)
    assert [r[0] for r in _raw(con)] == ["C1", "C2", "C3"]
    rejected = con.execute("SELECT source_file, row_number, reason FROM quality.rejected_rows").fetchall()
    assert rejected == [(str(landing / "customers" / "b.csv"), 1, "duplicate key: already loaded")]
    manifest = con.execute("SELECT source_file, rows_read, rows_loaded FROM quality.loaded_files ORDER BY 1")
    assert [(m[0].rsplit("/", 1)[1], m[1], m[2]) for m in manifest.fetchall()] == [
        ("a.csv", 2, 2),
        ("b.csv", 2, 1),
    ]


def test_a_file_changed_after_loading_is_reported_and_not_loaded_twice(con, landing):
    _load(con, landing)
    (landing / "customers" / "a.csv").write_text(CUSTOMERS + _customers(1) + _customers(2) + _customers(4))
    load = _load(con, landing)
    assert load.status == "unchanged" and load.rows_read == 0
    assert len(load.changed) == 1
    assert f"{landing / 'customers' / 'a.csv'} changed after it was loaded on " in load.changed[0]
    assert "run `tiers run --full-reload` to reload every file" in load.changed[0]
    assert [r[0] for r in _raw(con)] == ["C1", "C2"]
    audit = con.execute(
        "SELECT files_changed, message FROM quality.load_audit WHERE run_id = $r", {"r": load.run_id}
    )
    assert audit.fetchone() == (1, load.changed[0])


def test_a_full_reload_rebuilds_the_feed_from_every_file(con, landing):
    (landing / "customers" / "b.csv").write_text(CUSTOMERS + _customers(2))
    _load(con, landing)
    assert con.execute("SELECT count(*) FROM quality.rejected_rows").fetchone()[0] == 1
    (landing / "customers" / "a.csv").write_text(CUSTOMERS + _customers(1) + _customers(4))
    load = _load(con, landing, full_reload=True)
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (3, 3, 0)
    assert [r[0] for r in _raw(con)] == ["C1", "C2", "C4"]
    assert con.execute("SELECT count(*) FROM quality.rejected_rows").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM quality.loaded_files").fetchone()[0] == 2


def test_a_database_written_by_the_previous_version_is_rebuilt_from_the_files(con, landing):
    con.execute("CREATE SCHEMA quality; CREATE SCHEMA raw")
    con.execute("CREATE TABLE quality.load_audit (feed VARCHAR, files INT, rows_read BIGINT)")
    con.execute("CREATE TABLE raw.customers AS SELECT 'OLD' AS customer_id")
    load = _load(con, landing)
    assert (load.status, load.rows_loaded) == ("loaded", 2)
    assert [r[0] for r in _raw(con)] == ["C1", "C2"]
