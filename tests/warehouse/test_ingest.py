"""Ingest: explicit types, source file and row number kept, unusable rows quarantined, whole-file errors named."""

import duckdb
import polars as pl
import pytest

from tiering.feeds import FEEDS
from tiering.warehouse.ingest import IngestError, LoadOptions, feed_files, load_feed

HEADER = "order_id,customer_id,order_date,status,currency\n"
CUSTOMERS = "customer_id,name,industry,employees,region,signup_date\n" + "".join(
    f"C{i},Customer {i},software,10,EU,2020-01-01\n" for i in (1, 2, 3)
)


@pytest.fixture
def con(tmp_path_factory):
    """A database with customers C1-C3 loaded, so that orders referring to them are not orphans."""
    with duckdb.connect() as connection:
        parents = tmp_path_factory.mktemp("parents")
        _write(parents / "customers", "c.csv", CUSTOMERS)
        load_feed(connection, FEEDS["customers"], feed_files(parents, FEEDS["customers"]))
        yield connection


def _write(folder, name: str, text: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def test_rows_are_typed_and_traceable(con, tmp_path):
    _write(
        tmp_path / "orders",
        "a.csv",
        HEADER + "O1,C1,2026-01-05,completed,USD\nO2,C2,2026-02-01,returned,EUR\n",
    )
    _write(tmp_path / "orders", "b.csv", HEADER + "O3,C1,2026-03-01,cancelled,USD\n")
    load = load_feed(con, FEEDS["orders"], feed_files(tmp_path, FEEDS["orders"]))
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (3, 3, 0)
    rows = con.sql(
        "SELECT order_id, order_date, _source_file, _row_number FROM raw.orders ORDER BY order_id"
    ).pl()
    assert rows.schema["order_date"] == pl.Date
    assert rows["_source_file"].to_list() == [
        str(tmp_path / "orders" / n) for n in ("a.csv", "a.csv", "b.csv")
    ]
    assert rows["_row_number"].to_list() == [1, 2, 1]


def test_unusable_rows_are_quarantined_with_reason_and_counts_reconcile(con, tmp_path):
    _write(
        tmp_path / "orders",
        "a.csv",
        HEADER
        + "O1,C1,2026-01-05,completed,USD\nO2,C2,05/01/2026,completed,USD\n,C3,2026-01-07,completed,USD\n",
    )
    options = LoadOptions(max_rejected_share=1.0)
    load = load_feed(con, FEEDS["orders"], feed_files(tmp_path, FEEDS["orders"]), options)
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (3, 1, 2)
    rejected = con.sql(
        "SELECT row_number, reason, raw_record FROM quality.rejected_rows ORDER BY row_number"
    ).pl()
    assert rejected["row_number"].to_list() == [2, 3]
    assert rejected["reason"].to_list() == ["order_date: not a valid date", "order_id: missing"]
    assert '"order_date":"05/01/2026"' in rejected["raw_record"][0]
    sql = "SELECT rows_read, rows_loaded, rows_rejected FROM quality.load_audit WHERE feed = 'orders'"
    audit = con.execute(sql).fetchone()
    assert audit == (3, 1, 2)


def test_parquet_files_load_with_row_numbers(con, tmp_path):
    (tmp_path / "orders").mkdir()
    pl.DataFrame(
        {
            "order_id": ["O1", "O2"],
            "customer_id": ["C1", "C1"],
            "order_date": ["2026-01-01", "2026-01-02"],
            "status": ["completed"] * 2,
            "currency": ["USD"] * 2,
        }
    ).with_columns(pl.col("order_date").str.to_date()).write_parquet(tmp_path / "orders" / "o.parquet")
    load_feed(con, FEEDS["orders"], feed_files(tmp_path, FEEDS["orders"]))
    assert con.execute("SELECT list(_row_number ORDER BY order_id) FROM raw.orders").fetchone()[0] == [1, 2]


def test_a_missing_column_names_the_file_and_column(con, tmp_path):
    _write(tmp_path / "orders", "a.csv", "order_id,customer_id,status,currency\nO1,C1,completed,USD\n")
    with pytest.raises(
        IngestError,
        match=r"a\.csv lacks required column\(s\) order_date; required order_id, customer_id, order_date, found",
    ):
        load_feed(con, FEEDS["orders"], feed_files(tmp_path, FEEDS["orders"]))


def test_an_unknown_extra_column_is_a_warning_not_an_error(con, tmp_path):
    _write(
        tmp_path / "orders",
        "a.csv",
        "order_id,customer_id,order_date,status,currency,note\nO1,C1,2026-01-05,completed,USD,x\n",
    )
    load = load_feed(con, FEEDS["orders"], feed_files(tmp_path, FEEDS["orders"]))
    assert load.rows_loaded == 1
    assert load.warnings == [f"{tmp_path / 'orders' / 'a.csv'}: ignored unknown column(s) note"]


def test_missing_feed_folder_and_empty_folder_are_named(tmp_path):
    with pytest.raises(IngestError, match=r"feed 'orders': folder .* does not exist"):
        feed_files(tmp_path, FEEDS["orders"])
    (tmp_path / "orders").mkdir()
    with pytest.raises(IngestError, match=r"feed 'orders': no \.csv, \.csv\.gz or \.parquet file in"):
        feed_files(tmp_path, FEEDS["orders"])
    assert feed_files(tmp_path, FEEDS["fx_rates"]) == []  # optional feed
