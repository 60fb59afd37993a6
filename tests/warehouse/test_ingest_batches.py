"""A feed's files read in batches (TIERS_INGEST_BATCH_MB), each written to raw before the next: the same raw
table, quarantine, updates, manifest and audit as one batch; a refused load of several batches writes nothing."""

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from tiering.feeds import FEEDS
from tiering.warehouse.ingest import FeedLoad, LoadOptions, feed_files, load_feed

CUSTOMERS = "customer_id,name,industry,employees,region,signup_date\nC1,A,software,10,EU,2020-01-01\n"
ORDERS = "order_id,customer_id,order_date,status,currency\n"
FILES = {  # in load order: a key repeated in its file, orphans, a bad date, a re-send, two updates, case twins
    "a.csv": [
        "O1,C1,2026-01-05,completed,USD",
        "O2,C1,2026-01-06,completed,USD",
        "O2,C1,2026-01-07,open,USD",
        "O3,C9,2026-01-08,completed,USD",
        "o5,C1,2026-01-09,completed,USD",
    ],
    "b.csv": [
        "O1,C1,2026-01-05,completed,USD",
        "O2,C1,2026-01-06,cancelled,USD",
        "O4,C1,2026-01-10,open,USD",
        "O6,C1,not a date,open,USD",
    ],
    "c.csv": [
        "O2,C1,2026-01-06,completed,EUR",
        "O5,C1,2026-01-11,completed,USD",
        "O7,C9,2026-01-12,open,USD",
    ],
}
QUERIES = {
    "raw": "SELECT * FROM raw.orders ORDER BY ALL",
    "rejected": "SELECT * EXCLUDE (loaded_at) FROM quality.rejected_rows ORDER BY ALL",
    "updates": "SELECT * EXCLUDE (loaded_at) FROM quality.row_updates ORDER BY ALL",
    "manifest": "SELECT * EXCLUDE (loaded_at) FROM quality.loaded_files ORDER BY ALL",
    "audit": "SELECT * EXCLUDE (loaded_at, load_id) FROM quality.load_audit ORDER BY ALL",  # raw has _load_id
}


@pytest.fixture
def landing(tmp_path) -> Path:
    (tmp_path / "customers").mkdir()
    (tmp_path / "customers" / "customers.csv").write_text(CUSTOMERS)
    (tmp_path / "orders").mkdir()
    for name, rows in FILES.items():
        (tmp_path / "orders" / name).write_text(ORDERS + "".join(f"{row}\n" for row in rows))
    return tmp_path


def _load_orders(landing: Path, batch_bytes: int, **limits) -> tuple[FeedLoad, dict[str, list[tuple]]]:
    """The customers, then the orders in batches of `batch_bytes`, into a new database: the orders' load and
    what the warehouse then holds."""
    options = LoadOptions(run_id="night", batch_bytes=batch_bytes, **limits)
    with duckdb.connect() as con:
        load_feed(con, FEEDS["customers"], feed_files(landing, FEEDS["customers"]), options)
        load = load_feed(con, FEEDS["orders"], feed_files(landing, FEEDS["orders"]), options)
        return load, {name: con.execute(sql).fetchall() for name, sql in QUERIES.items()}


def test_a_load_in_batches_writes_what_one_batch_writes(landing):
    whole, held = _load_orders(landing, batch_bytes=1 << 30, max_rejected_share=1.0)
    batched, batched_held = _load_orders(landing, batch_bytes=1, max_rejected_share=1.0)  # a file a batch
    assert batched == whole
    assert batched_held == held
    # 12 rows read: O2 twice in a.csv (the second quarantined), O3 and O7 orphans, O6's date; O1 re-sent as it
    # was (skipped); O2 updated by b.csv, then by c.csv; O4, O5 and o5 new (O5 and o5 kept apart, with a warning)
    assert (whole.rows_read, whole.rows_loaded, whole.rows_updated, whole.rows_skipped) == (12, 7, 2, 1)
    assert whole.rows_rejected == 4
    raw = {row[0]: row for row in held["raw"]}
    assert sorted(raw) == ["O1", "O2", "O4", "O5", "o5"]
    assert raw["O2"][4] == "EUR" and raw["O2"][5].endswith("c.csv")
    assert len(held["updates"]) == 2
    assert any("differ only in case" in warning for warning in whole.warnings)


def test_a_refused_load_of_several_batches_writes_nothing_and_keeps_its_rejections(landing):
    limits = {"max_rejected_share": 0.05, "max_rejected_rows": 0}
    whole, held = _load_orders(landing, batch_bytes=1 << 30, **limits)
    batched, batched_held = _load_orders(landing, batch_bytes=1, **limits)
    assert (whole.status, whole.rows_loaded, whole.rows_rejected, whole.rows_held_back) == (
        "refused",
        0,
        4,
        8,
    )
    assert replace(batched, load_id=None) == replace(
        whole, load_id=None
    )  # the rolled back reading took a number
    assert batched_held == held
    assert held["raw"] == [] and held["updates"] == []
    assert [row[0] for row in held["manifest"]] == ["customers"]
    assert len(held["rejected"]) == 4
