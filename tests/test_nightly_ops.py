"""Nightly operations on the real definitions: as-of correctness, idempotence, history, backfill, safe publishing."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tiering.outputs import PUBLISHED
from tiering.warehouse.publish import publish_tables

TIER_COLUMNS = (
    "customer_id, as_of_date, score, tier, action, reasons, previous_tier, revenue_12m, payment_delay_days"
)


def _rows(settings, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(settings.bi_db), read_only=True) as con:
        return con.sql(sql).pl()


def _tiers(settings) -> pl.DataFrame:
    return _rows(settings, f"SELECT {TIER_COLUMNS} FROM marts.customer_tiers ORDER BY customer_id")


def _known_on(landing: Path, out: Path, day) -> None:
    """A copy of the landing feeds holding only what was known on `day`."""
    dated = {
        "customers": "signup_date",
        "orders": "order_date",
        "invoices": "issued_date",
        "payments": "paid_date",
        "support_tickets": "opened_at",
    }
    frames = {
        feed: pl.read_csv(landing / feed / "*.csv", infer_schema=False) for feed in [*dated, "order_lines"]
    }
    for feed, column in dated.items():
        frames[feed] = frames[feed].filter(pl.col(column).str.slice(0, 10) <= day.isoformat())
    frames["order_lines"] = frames["order_lines"].join(
        frames["orders"].select("order_id"), on="order_id", how="semi"
    )
    for feed, frame in frames.items():
        (out / feed).mkdir(parents=True)
        frame.write_csv(out / feed / f"{feed}.csv")
    (out / "fx_rates").mkdir()
    for source in (landing / "fx_rates").iterdir():
        (out / "fx_rates" / source.name).write_bytes(source.read_bytes())


def test_rerun_is_idempotent_and_later_data_does_not_change_a_date(tmp_path, pipeline, s_landing, as_of):
    day = as_of - timedelta(days=45)
    full = pipeline.settings(tmp_path / "full", landing=s_landing)
    assert pipeline.run(full, day).success
    first = _tiers(full)
    assert pipeline.run(full, day).success
    assert _tiers(full).equals(first)

    _known_on(s_landing, tmp_path / "known", day)
    known = pipeline.settings(tmp_path / "known_run", landing=tmp_path / "known")
    assert pipeline.run(known, day).success
    assert _tiers(known).equals(first)


def test_backfill_of_30_days_builds_30_snapshots_and_movements(tmp_path, pipeline, s_landing, as_of):
    settings = pipeline.settings(tmp_path, landing=s_landing)
    first_day = as_of - timedelta(days=29)
    assert pipeline.run(settings, as_of, first=first_day).success
    history = _rows(
        settings,
        "SELECT as_of_date, count(*) AS n, count(*) FILTER (WHERE segment = 'customer') AS customers "
        "FROM marts.tier_history GROUP BY 1 ORDER BY 1",
    )
    assert history.height == 30
    assert history["as_of_date"].to_list() == [first_day + timedelta(days=i) for i in range(30)]
    customers = _rows(settings, "SELECT count(*) AS n FROM marts.customer_tiers")["n"].item()
    assert history["n"].max() == customers
    summary = _rows(
        settings, "SELECT as_of_date, sum(customers) AS n FROM marts.tier_summary GROUP BY 1 ORDER BY 1"
    )
    assert summary["n"].to_list() == history["customers"].to_list()  # prospects apart
    moves = _rows(
        settings, "SELECT as_of_date, sum(customers) AS n FROM marts.tier_movements GROUP BY 1 ORDER BY 1"
    )
    assert moves.height == 30
    tiers = _rows(settings, "SELECT as_of_date, previous_tier FROM marts.customer_tiers")
    assert tiers["as_of_date"].unique().to_list() == [as_of]
    assert tiers["previous_tier"].null_count() < tiers.height  # yesterday's tiers are known


def test_a_reader_holding_the_file_open_neither_blocks_the_run_nor_sees_it_half_done(
    tmp_path, pipeline, s_landing, as_of
):
    settings = pipeline.settings(tmp_path, landing=s_landing)
    day_before = as_of - timedelta(days=1)
    assert pipeline.run(settings, day_before).success
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.bi_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        assert pipeline.run(settings, as_of).success
    finally:
        observed, _ = reader.communicate("stop\n", timeout=60)
    seen = {line for line in observed.splitlines() if line}
    # the old date and every published table, on every read during the run
    assert seen == {f"{day_before} {len(PUBLISHED)}"}, seen
    assert _rows(settings, "SELECT DISTINCT as_of_date FROM marts.customer_tiers").item() == as_of


READER = """
import sys, threading, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
print("ready", flush=True)
while not stop.wait(0.05):
    day = con.execute("SELECT max(as_of_date) FROM marts.customer_tiers").fetchone()[0]
    tables = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts'").fetchone()[0]
    print(day, tables, flush=True)
"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _published(settings) -> dict[str, str]:
    """The digest of the BI file and of every exported file (the Parquet files, the CRM files in crm/)."""
    exported = [p for p in (settings.warehouse_dir / "exports").rglob("*") if p.is_file()]
    return {p.name: _digest(p) for p in [settings.bi_db, *exported]}


def test_a_run_killed_midway_leaves_the_outputs_intact_and_the_next_run_succeeds(
    tmp_path, pipeline, s_landing, as_of
):
    settings = pipeline.settings(tmp_path, landing=s_landing)
    assert pipeline.run(settings, as_of - timedelta(days=1)).success
    published = _published(settings)
    env = {
        **os.environ,
        "TIERS_LANDING_DIR": str(s_landing),
        "TIERS_WAREHOUSE_DIR": str(settings.warehouse_dir),
        "DAGSTER_HOME": str(tmp_path),
    }
    run = subprocess.Popen([sys.executable, "-m", "tiering.cli", "run", "--as-of", str(as_of)], env=env)
    _wait_until_the_working_db_changes(settings.work_db, run)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    assert _published(settings) == published

    assert pipeline.run(settings, as_of).success
    assert _rows(settings, "SELECT DISTINCT as_of_date FROM marts.customer_tiers").item() == as_of
    leftovers = [p.name for p in settings.warehouse_dir.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def _wait_until_the_working_db_changes(work_db: Path, run: subprocess.Popen) -> None:
    before = work_db.stat().st_mtime_ns
    deadline = time.monotonic() + 60
    while work_db.stat().st_mtime_ns == before and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.poll() is None, "the run ended before it could be killed"


def test_publish_swaps_in_complete_outputs_and_cleans_up_after_a_crash(tmp_path):
    warehouse = tmp_path / "wh"
    with duckdb.connect(str(tmp_path / "work.duckdb")) as con:
        con.execute("CREATE SCHEMA marts; CREATE TABLE marts.t AS SELECT 1 AS v")
        publish_tables(con, ["marts.t"], warehouse, "tiers.duckdb")
        (warehouse / ".tiers.duckdb.dead.tmp").write_text("half a file from a killed run")
        (warehouse / "exports-dead").mkdir()
        con.execute("CREATE OR REPLACE TABLE marts.t AS SELECT 2 AS v")
        publish_tables(con, ["marts.t"], warehouse, "tiers.duckdb")
    with duckdb.connect(str(warehouse / "tiers.duckdb"), read_only=True) as bi:
        assert bi.execute("SELECT v FROM marts.t").fetchone() == (2,)
    assert pl.read_parquet(warehouse / "exports" / "t.parquet")["v"].to_list() == [2]
    assert sorted(p.name for p in warehouse.iterdir() if not p.name.startswith("exports-")) == [
        "exports",
        "tiers.duckdb",
    ]
    assert len([p for p in warehouse.iterdir() if p.name.startswith("exports-")]) == 1


def test_a_write_ahead_log_left_by_a_bi_tool_is_removed_and_the_published_file_opens(tmp_path):
    """Issue 15 (4): a program that wrote to tiers.duckdb and ended without a checkpoint leaves tiers.duckdb.wal.
    Beside a new file of DuckDB 2.0's format nobody could open it ("WAL does not match database file"); beside
    one of the format BI tools read (v1.2.0) it was replayed into the new file: the tool's rows were published."""
    warehouse = tmp_path / "wh"
    with duckdb.connect(str(tmp_path / "work.duckdb")) as con:
        con.execute("CREATE SCHEMA marts; CREATE TABLE marts.t AS SELECT 1 AS v")
        first = publish_tables(con, ["marts.t"], warehouse, "tiers.duckdb")
        bi_tool = (
            "import duckdb, os, sys; bi = duckdb.connect(sys.argv[1]); "
            "bi.execute('INSERT INTO marts.t VALUES (7)'); os._exit(0)"
        )
        subprocess.run([sys.executable, "-c", bi_tool, str(warehouse / "tiers.duckdb")], check=True)
        assert (warehouse / "tiers.duckdb.wal").exists()
        con.execute("CREATE OR REPLACE TABLE marts.t AS SELECT 2 AS v")
        notes = publish_tables(con, ["marts.t"], warehouse, "tiers.duckdb")
    with duckdb.connect(str(warehouse / "tiers.duckdb"), read_only=True) as bi:
        assert bi.execute("SELECT v FROM marts.t").fetchall() == [(2,)]
    assert not (warehouse / "tiers.duckdb.wal").exists()
    assert first == [] and len(notes) == 1 and "removed" in notes[0] and "tiers.duckdb.wal" in notes[0]


def test_publish_refuses_to_replace_a_real_exports_folder(tmp_path):
    warehouse = tmp_path / "wh"
    (warehouse / "exports").mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA marts; CREATE TABLE marts.t AS SELECT 1 AS v")
        with pytest.raises(RuntimeError, match="is a real folder, not the exports link"):
            publish_tables(con, ["marts.t"], warehouse, "tiers.duckdb")
    assert not (warehouse / "tiers.duckdb").exists()


def test_the_schedule_runs_at_2am_for_yesterday_and_failed_runs_are_retried():
    from datetime import datetime

    import dagster as dg

    from pipelines.definitions import defs
    from tiering.settings import REPO_ROOT

    schedule = defs.resolve_schedule_def("nightly_tiers_at_2am")
    assert schedule.cron_schedule == "0 2 * * *"
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=datetime(2026, 6, 30, 2, 0),
            repository_def=defs.get_repository_def(),
        )
        (request,) = schedule.evaluate_tick(context).run_requests
        assert request.partition_key == "2026-06-29"
        assert instance.get_dynamic_partitions("as_of_dates") == ["2026-06-29"]  # the date it ran, no other
    assert defs.resolve_job_def("nightly_tiers").tags["dagster/max_retries"] == "2"
    with dg.DagsterInstance.from_config(str(REPO_ROOT)) as instance:
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 2


def test_as_of_partitions_are_the_dates_run_and_a_backfill_runs_in_stretches_of_their_order():
    """A run covers the partitions between its ends in the instance's order: a range of days is one run when
    its days are in that order, else one run per stretch that is."""
    from datetime import date

    import dagster as dg

    from pipelines.jobs import as_of_runs

    def runs(first: str, last: str) -> list[tuple[str, str]]:
        tags = as_of_runs(instance, date.fromisoformat(first), date.fromisoformat(last))
        return [
            (t["dagster/asset_partition_range_start"], t["dagster/asset_partition_range_end"]) for t in tags
        ]

    with dg.DagsterInstance.ephemeral() as instance:
        assert runs("2026-06-30", "2026-06-30") == [("2026-06-30", "2026-06-30")]
        assert runs("2026-06-27", "2026-06-29") == [("2026-06-27", "2026-06-29")]  # added after 06-30
        # 07-01 is added after 06-29, not next to 06-30
        assert runs("2026-06-28", "2026-07-01") == [
            ("2026-06-28", "2026-06-29"),
            ("2026-06-30", "2026-06-30"),
            ("2026-07-01", "2026-07-01"),
        ]
        assert instance.get_dynamic_partitions("as_of_dates") == [
            "2026-06-30",
            "2026-06-27",
            "2026-06-28",
            "2026-06-29",
            "2026-07-01",
        ]


def test_a_backfill_of_older_dates_keeps_the_latest_snapshot_and_dashboard(
    tmp_path, pipeline, s_landing, as_of
):
    import dagster as dg

    settings = pipeline.settings(tmp_path, landing=s_landing)
    dashboard = settings.warehouse_dir / "reports" / "tier_dashboard.html"
    with dg.DagsterInstance.ephemeral() as instance:
        assert pipeline.run(settings, as_of, instance=instance).success
        snapshot = _tiers(settings)
        traits = _rows(settings, "SELECT * FROM marts.customer_traits ORDER BY customer_id")
        assert f"As of {as_of:%A %d %B %Y}" in dashboard.read_text()

        older = as_of - timedelta(days=3)
        assert pipeline.run(settings, as_of - timedelta(days=1), first=older, instance=instance).success
    assert _tiers(settings).equals(snapshot)
    assert _rows(settings, "SELECT * FROM marts.customer_traits ORDER BY customer_id").equals(traits)
    assert f"As of {as_of:%A %d %B %Y}" in dashboard.read_text()  # its charts over time gain the older dates
    history = _rows(settings, "SELECT DISTINCT as_of_date FROM marts.tier_history ORDER BY 1")["as_of_date"]
    assert history.to_list() == [older + timedelta(days=n) for n in range(4)]
    summary = _rows(settings, "SELECT DISTINCT as_of_date FROM marts.tier_summary ORDER BY 1")["as_of_date"]
    assert summary.to_list() == history.to_list()
