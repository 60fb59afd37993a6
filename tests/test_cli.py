"""The `tiers` command as a user runs it: the Quick start path, a clear failure, a bad policy."""

import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
import yaml

from support import free_port
from support.tiers import run_tiers, start_tiers
from tiering.settings import DEFAULT_POLICY, REPO_ROOT, variables_table
from tiering.warehouse.lock import LOCK_FILE, WarehouseError, hold_warehouse


def _tiers(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    (cwd / "dagster_home").mkdir(exist_ok=True)
    return run_tiers(args, {"DAGSTER_HOME": str(cwd / "dagster_home"), **env}, cwd=cwd, timeout=300)


def _run_s(tmp_path: Path, landing: Path, warehouse: Path, as_of: str = "2026-06-30"):
    """`tiers run --as-of` on the S demo exports, into `warehouse`."""
    return _tiers(
        ["run", "--as-of", as_of],
        tmp_path,
        TIERS_LANDING_DIR=str(landing),
        TIERS_WAREHOUSE_DIR=str(warehouse),
    )


def test_quick_start_runs_the_demo_when_asked_and_prints_a_summary(tmp_path):
    done = _tiers(["run", "--demo", "--as-of", "2026-06-30"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "generating the S demo data set" in done.stdout
    assert (tmp_path / "data" / "landing" / "orders").is_dir()
    assert (tmp_path / "data" / "warehouse" / "tiers.duckdb").is_file()
    for expected in (
        "Rows read",
        "orders",
        "Customers per tier:",
        "Ideal",
        "Acceptable",
        "Poor",
        "tiers.duckdb",
    ):
        assert expected in done.stdout
    assert "WARNING" not in done.stdout  # the demo's data ends on its as-of date
    assert "Steps as they finish" not in done.stdout  # the demo prints the summary only


def test_a_run_with_nothing_configured_says_what_to_do_and_publishes_nothing(tmp_path):
    """As cron starts it: from another folder, without TIERS_LANDING_DIR. No demo data, no tiers."""
    done = _tiers(["run", "--as-of", "2026-06-30"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"tiers: nothing to read: the landing folder {tmp_path / 'data' / 'landing'} does not exist. Set "
        "TIERS_LANDING_DIR to the folder of your exports (one sub-folder per feed: customers/, orders/, "
        "order_lines/, ...), or run `tiers run --demo` to try the demo data"
    )
    assert not (tmp_path / "data").exists()


def test_the_demo_never_writes_into_a_landing_folder_of_real_exports(tmp_path):
    landing = tmp_path / "exports"
    (landing / "orders").mkdir(parents=True)
    done = _tiers(["run", "--demo", "--as-of", "2026-06-30"], tmp_path, TIERS_LANDING_DIR=str(landing))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"tiers: --demo writes the demo data set into the landing folder {landing} (TIERS_LANDING_DIR), which "
        "holds other files: point TIERS_LANDING_DIR at an empty folder for the demo"
    )
    assert [p.name for p in landing.iterdir()] == ["orders"] and not (tmp_path / "data").exists()


def test_an_as_of_date_after_today_is_refused_in_one_line(tmp_path, s_landing):
    today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()  # UTC+14: the first place where a day starts
    env = {"TIERS_LANDING_DIR": str(s_landing), "TIERS_TIMEZONE": "Pacific/Kiritimati"}
    for args in (
        ["run", "--as-of", str(today + timedelta(days=1))],
        ["backfill", "--from", "2026-06-01", "--to", "2099-01-01"],
    ):
        done = _tiers(args, tmp_path, **env, TIERS_WAREHOUSE_DIR=str(tmp_path / "wh"))
        assert done.returncode == 2
        late = args[-1]
        assert done.stderr.strip() == (
            f"tiers: as-of date {late} is after today ({today} in TIERS_TIMEZONE Pacific/Kiritimati): a day's "
            "tiers are made once its data is in"
        )
    assert not (tmp_path / "wh").exists()


def test_an_as_of_date_before_the_history_start_is_one_line_naming_the_variable(tmp_path, s_landing):
    done = _run_s(tmp_path, s_landing, tmp_path / "wh", "2019-12-31")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "tiers: as-of date 2019-12-31 is before TIERS_HISTORY_START (2020-01-01): set TIERS_HISTORY_START to "
        "2019-12-31 or earlier to run it"
    )
    assert not (tmp_path / "wh").exists()


def test_a_landing_folder_with_glob_characters_is_read_and_a_file_not_read_is_in_the_summary(
    tmp_path, s_landing
):
    """TIERS_LANDING_DIR=.../in[1] (a pattern that matches in1/, whose orders differ) is read as itself; a file
    that is not a landing file is named in the summary, with why it was not read."""
    landing = tmp_path / "in[1]"
    shutil.copytree(s_landing, landing)
    shutil.copytree(s_landing, tmp_path / "in1")
    (tmp_path / "in1" / "orders" / "orders_extra.csv").write_text("order_id,customer_id\nX,Y\n")
    (landing / "orders" / "notes.txt").write_text("exported by hand\n")
    done = _run_s(tmp_path, landing, tmp_path / "wh")
    assert done.returncode == 0, done.stderr
    files = sorted((landing / "orders").glob("*.csv"))  # a pattern here, in the test, on purpose
    orders = sum(len(path.read_text().splitlines()) - 1 for path in files)  # no line break in a value
    assert f"  orders           {orders:>12,}  (" in done.stdout
    assert (
        f"      {landing / 'orders' / 'notes.txt'}: not read: only .csv, .csv.gz and .parquet files "
        "are loaded; convert or rename it, or move it"
    ) in done.stdout.splitlines()


def test_an_as_of_date_long_after_the_newest_data_is_a_warning_in_the_summary(tmp_path, s_landing):
    """The S demo data ends on 2026-06-30 (orders, invoices and tickets alike): 15 days later is more than 7."""
    done = _run_s(tmp_path, s_landing, tmp_path / "wh", "2026-07-15")
    assert done.returncode == 0, done.stderr
    warning = next(line for line in done.stdout.splitlines() if line.startswith("WARNING"))
    assert warning.startswith(
        "WARNING: as-of date 2026-07-15 is 15 days after the newest data (invoices 2026-"
    )
    assert warning.endswith(
        "orders 2026-06-30, support_tickets 2026-06-30), more than TIERS_MAX_DATA_LAG_DAYS (7): are the exports "
        "up to date?"
    )


def test_keys_with_spaces_or_another_case_make_no_ghost_customer_and_the_summary_warns(tmp_path, s_landing):
    """The key rule, as a run applies it: ' C0000001' is C0000001 (and so is an order's reference to it), '   '
    is missing (quarantined), c0000002 stays a customer of its own beside C0000002, with a warning."""
    landing = tmp_path / "landing"
    shutil.copytree(s_landing, landing)
    first = (landing / "customers" / "customers.csv").read_text().splitlines()[1]
    (landing / "customers" / "late.csv").write_text(
        "customer_id,name\n" + f" {first.split(',')[0]} ,Greenfield\nc0000002,Lowercase Ltd\n   ,Nobody\n"
    )
    (landing / "orders" / "late.csv").write_text(
        "order_id,customer_id,order_date\nO9000001, C0000001 ,2026-06-01\n"
    )
    (landing / "order_lines" / "late.csv").write_text("order_id,net_amount\nO9000001 ,100.00\n")
    done = _run_s(tmp_path, landing, tmp_path / "wh")
    assert done.returncode == 0, done.stderr
    assert (
        "      feed 'customers': 1 pair(s) of keys differ only in case, e.g. "
        '{"customer_id":"C0000002"} / {"customer_id":"c0000002"}: they are kept as different keys'
    ) in done.stdout
    with duckdb.connect(str(tmp_path / "wh" / "work.duckdb"), read_only=True) as con:
        customers = [c for (c,) in con.execute("SELECT customer_id FROM marts.customer_tiers").fetchall()]
        order = con.execute("SELECT customer_id, net_amount FROM staging.orders WHERE order_id = 'O9000001'")
        assert order.fetchall() == [("C0000001", 100.0)]
        rejected = "SELECT reason FROM quality.rejected_rows WHERE feed = 'customers'"
        assert con.execute(rejected).fetchall() == [("customer_id: missing",)]
    accounts = len((s_landing / "customers" / "customers.csv").read_text().splitlines()) - 1  # prospects too
    assert len(customers) == accounts + 1 and "c0000002" in customers
    assert all(c == c.strip() and c for c in customers)


def test_a_failed_run_exits_non_zero_with_the_reason_and_no_traceback(tmp_path):
    landing = tmp_path / "landing"
    (landing / "customers").mkdir(parents=True)
    (landing / "customers" / "c.csv").write_text("customer_id,name,industry,employees,region,signup_date\n")
    done = _tiers(["run", "--as-of", "2026-06-30"], tmp_path, TIERS_LANDING_DIR=str(landing))
    assert done.returncode == 1
    assert "The run FAILED" in done.stderr
    assert f"feed 'orders': folder {landing / 'orders'} does not exist" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_bad_policy_stops_the_run_naming_the_field(tmp_path, s_landing):
    policy = yaml.safe_load(DEFAULT_POLICY.read_text())
    policy["traits"]["gross_margin"]["weight"] = "heavy"
    bad = tmp_path / "policy.yaml"
    bad.write_text(yaml.safe_dump(policy))
    done = _tiers(
        ["run", "--as-of", "2026-06-30"],
        tmp_path,
        TIERS_LANDING_DIR=str(s_landing),
        TIERS_WAREHOUSE_DIR=str(tmp_path / "wh"),
        TIERS_POLICY=str(bad),
    )
    assert done.returncode == 1
    assert "traits.gross_margin.weight: Input should be a valid number" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_date_is_refused_by_the_argument_parser(tmp_path):
    done = _tiers(["run", "--as-of", "30/06/2026"], tmp_path)
    assert done.returncode == 2
    assert "'30/06/2026' is not a date in the form YYYY-MM-DD" in done.stderr


BAD_SETTINGS = [
    ("TIERS_CHUNK_ORDERS", "lots", "a whole number of orders above 0"),
    ("TIERS_CHUNK_ORDERS", "-1", "a whole number of orders above 0"),
    ("TIERS_MAX_REJECTED_SHARE", "5%", "a share between 0 and 1"),
    ("TIERS_MAX_REJECTED_SHARE", "2", "a share between 0 and 1"),
    ("TIERS_SHARDS", "0", "a whole number of shards from 1 to 1024"),
    ("TIERS_SHARDS", "lots", "a whole number of shards from 1 to 1024"),
    ("TIERS_EXECUTOR", "spark", "one of in_process, celery, k8s"),
    ("TIERS_HISTORY_START", "2020-13-01", "a date in the form YYYY-MM-DD"),
    ("TIERS_TIMEZONE", "Mars/Olympus", "a timezone name such as UTC or Europe/Berlin"),
    ("TIERS_MAX_DATA_LAG_DAYS", "a week", "a whole number of days above 0"),
    ("TIERS_HISTORY_START", "yesterday", "a date in the form YYYY-MM-DD"),
    ("TIERS_DUCKDB_MEMORY_LIMIT", "lots", "a memory size such as 1GB or 512MB"),
    ("TIERS_DUCKDB_MEMORY_LIMIT", "0", "a memory size such as 1GB or 512MB"),
    (
        "TIERS_WAREHOUSE_DIR",
        "wh?1",
        "a folder whose path has no '?' (DuckDB cannot keep a database under it)",
    ),
]


@pytest.mark.parametrize(("name", "value", "meaning"), BAD_SETTINGS)
def test_a_bad_setting_in_the_environment_is_named_without_a_traceback(tmp_path, name, value, meaning):
    done = _tiers(["run", "--as-of", "2026-06-30"], tmp_path, **{name: value})
    assert done.returncode == 2
    assert done.stderr.strip() == f"tiers: {name} must be {meaning}, not '{value}'"


@pytest.mark.parametrize("name", ["TIERS_WAREHOUSE_DIR", "TIERS_LANDING_DIR", "TIERS_POLICY"])
def test_a_path_setting_that_is_set_but_empty_is_an_error(tmp_path, name):
    """`TIERS_WAREHOUSE_DIR=$UNSET tiers run` must not write the outputs into the current folder or a default."""
    done = _tiers(["run", "--as-of", "2026-06-30"], tmp_path, **{name: " "})
    assert done.returncode == 2
    assert done.stderr.strip() == f"tiers: {name} is set but empty: give a path, or unset it for the default"
    assert not (tmp_path / "data").exists()


def test_a_bad_setting_stops_the_definitions_from_loading_naming_it():
    """What `dagster dev` shows: the code location does not load, and the error names the variable."""
    load = subprocess.run(
        [sys.executable, "-c", "import pipelines.definitions"],
        env={**os.environ, "TIERS_SHARDS": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert load.returncode == 1
    assert (
        "SettingsError: TIERS_SHARDS must be a whole number of shards from 1 to 1024, not '0'" in load.stderr
    )


def test_the_readme_table_of_variables_is_generated_from_their_declaration():
    assert variables_table() in (REPO_ROOT / "README.md").read_text(), (
        "copy variables_table() into the README"
    )


def test_a_dagster_home_that_is_not_a_folder_is_named_without_a_traceback(tmp_path):
    missing = tmp_path / "no_such_home"
    done = _tiers(["run", "--as-of", "2026-06-30"], tmp_path, DAGSTER_HOME=str(missing))
    assert done.returncode == 2
    assert f"tiers: DAGSTER_HOME is {missing}, which is not a folder" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_celery_broker_out_of_reach_is_named_without_a_traceback(tmp_path, s_landing):
    done = _tiers(
        ["run", "--as-of", "2026-06-30"],
        tmp_path,
        TIERS_LANDING_DIR=str(s_landing),
        TIERS_WAREHOUSE_DIR=str(tmp_path / "wh"),
        TIERS_EXECUTOR="celery",
        TIERS_CELERY_BROKER=(broker := f"redis://127.0.0.1:{free_port()}/0"),  # nothing listens there
    )
    assert done.returncode == 1
    assert "  - the run: " in done.stderr and "Connection refused" in done.stderr, done.stderr
    assert f"  - the Celery broker is {broker} (TIERS_CELERY_BROKER): is it up, with workers?" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_second_run_on_the_same_warehouse_stops_at_once_naming_the_first(tmp_path, s_landing):
    """Two `tiers run` at once on one warehouse: the second stops at once with exit 2, the first is not hurt;
    the lock goes with the process that holds it, however it ends."""
    warehouse = tmp_path / "wh"
    env = {
        "TIERS_LANDING_DIR": str(s_landing),
        "TIERS_WAREHOUSE_DIR": str(warehouse),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    (tmp_path / "dagster_home").mkdir()
    first = start_tiers(["run", "--as-of", "2026-06-30"], env, cwd=tmp_path)
    lock = warehouse / LOCK_FILE
    deadline = time.monotonic() + 60
    while f"process {first.pid} " not in (lock.read_text() if lock.is_file() else ""):
        assert first.poll() is None and time.monotonic() < deadline, "the first run never took the lock"
        time.sleep(0.1)
    started = time.monotonic()
    second = run_tiers(["backfill", "--from", "2026-06-01", "--to", "2026-06-30"], env, cwd=tmp_path)
    assert second.returncode == 2, second.stderr
    assert time.monotonic() - started < 15
    (line,) = second.stderr.strip().splitlines()
    assert line.startswith(
        f"tiers: another run is writing to the warehouse {warehouse}: the run as of 2026-06-30 by process "
        f"{first.pid} (started "
    )
    assert line.endswith("). One run at a time: run again when it has ended")
    out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert "Customers per tier:" in out and lock.read_text() == ""

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(warehouse)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline() == "held\n"
    with (
        pytest.raises(WarehouseError, match="another run is writing"),
        hold_warehouse(warehouse, warehouse / "work.duckdb", "a test"),
    ):
        pass
    holder.kill()  # kill -9: no clean-up of its own
    holder.wait()
    with hold_warehouse(warehouse, warehouse / "work.duckdb", "a test"):
        assert lock.read_text() == "a test\n"


HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from tiering.warehouse.lock import hold_warehouse
warehouse = Path(sys.argv[1])
with hold_warehouse(warehouse, warehouse / "work.duckdb", "a process killed with -9"):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_corrupt_working_database_stops_the_run_at_once_in_one_line(tmp_path, s_landing):
    """Opening it was retried for about 100 s (the DuckDB resource's backoff) before the run failed."""
    warehouse = tmp_path / "wh"
    warehouse.mkdir()
    (warehouse / "work.duckdb").write_bytes(b"not a database " * 1000)
    started = time.monotonic()
    done = _run_s(tmp_path, s_landing, warehouse)
    assert done.returncode == 2
    assert time.monotonic() - started < 30
    assert done.stderr.strip() == (
        f"tiers: the working database {warehouse / 'work.duckdb'} cannot be opened: IO Error: The file "
        f'"{warehouse / "work.duckdb"}" exists, but it is not a valid DuckDB database file!'
    )


def test_a_warehouse_folder_that_cannot_be_written_stops_the_run_at_once_in_one_line(tmp_path, s_landing):
    warehouse = tmp_path / "wh"
    warehouse.mkdir()
    (warehouse / LOCK_FILE).write_text("")  # left by an earlier run
    if subprocess.run(["chattr", "+i", str(warehouse)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i (an immutable folder, which root cannot write either) is not available here")
    try:
        started = time.monotonic()
        done = _run_s(tmp_path, s_landing, warehouse)
    finally:
        subprocess.run(["chattr", "-i", str(warehouse)], check=True)
    assert done.returncode == 2
    assert time.monotonic() - started < 30
    assert done.stderr.strip() == (
        f"tiers: the warehouse folder {warehouse} cannot be written: Operation not permitted"
    )


def test_a_run_that_fails_after_publishing_says_what_was_published(tmp_path, s_landing):
    """The dashboard step fails (its folder is taken by a file) while the BI file and the exports are published:
    the run FAILED, and its summary says the outputs were swapped in, when and as of which date."""
    warehouse = tmp_path / "wh"
    warehouse.mkdir()
    (warehouse / "reports").write_text("a file where the dashboard's folder goes")
    done = _run_s(tmp_path, s_landing, warehouse)
    assert done.returncode == 1
    assert "  - reports__tier_dashboard: FileExistsError: [Errno 17] File exists" in done.stderr, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(
        f"Published before the failure: the BI file {warehouse / 'tiers.duckdb'} and the Parquet exports "
        f"{warehouse / 'exports'}/ were swapped in at {datetime.now().astimezone():%Y-%m-%d} "
    )
    assert last.endswith(", as of 2026-06-30.")
    assert (warehouse / "tiers.duckdb").is_file()
