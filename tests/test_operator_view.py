"""What an operator sees of `tiers run` at a terminal: a line per step, the outputs named in the summary,
`tiers --version` and `tiers rejections` for a run that does not exist."""

import re
import subprocess
from importlib.metadata import version
from pathlib import Path

import duckdb
import pytest

from assets.marts import MART_SPECS
from support.tiers import run_tiers
from tiering.outputs import OUTPUT_TABLES

STEP = re.compile(r"^  step (\S+) +(\d+\.\d) s(?:  +([\d,]+) rows(?: in (\d+) tables)?)?$")


def _tiers(args: list[str], root: Path) -> subprocess.CompletedProcess:
    environment = {
        "DAGSTER_HOME": str(root / "dagster_home"),
        "TIERS_LANDING_DIR": str(root / "landing"),
        "TIERS_WAREHOUSE_DIR": str(root / "warehouse"),
    }
    return run_tiers(args, environment, cwd=root, timeout=300)


@pytest.fixture(scope="module")
def nightly(tmp_path_factory, s_landing) -> tuple[Path, subprocess.CompletedProcess]:
    """`tiers run --as-of` on the S demo exports, as cron starts it: not the demo, so with step lines."""
    root = tmp_path_factory.mktemp("operator")
    (root / "dagster_home").mkdir()
    (root / "landing").symlink_to(s_landing)
    done = _tiers(["run", "--as-of", "2026-06-30"], root)
    assert done.returncode == 0, done.stderr
    return root, done


def test_a_run_prints_a_line_per_step_as_it_finishes_with_seconds_and_rows(nightly):
    root, done = nightly
    lines = done.stdout.split("\nDone in ")[0].splitlines()  # all of them before the summary
    first = lines.index("Steps as they finish (seconds, rows written):")
    steps = {m[1]: m for m in map(STEP.match, lines[first + 1 :]) if m}
    assert len(steps) == len(lines) - first - 1  # every line after the heading is a step line
    assert {
        "raw_feeds",
        "staging_tables",
        "scoring__customer_scores",
        "mart_tables",
        "bi__tiers_duckdb",
    } <= set(steps)
    names = list(steps)  # in the order they finished
    assert names[0] == "raw_feeds" and names.index("reports__tier_dashboard") > names.index("mart_tables")
    with duckdb.connect(str(root / "warehouse" / "work.duckdb"), read_only=True) as con:
        (customers,) = con.execute("SELECT count(*) FROM scoring.customer_scores").fetchone()
    scores = steps["scoring__customer_scores"]
    assert int(scores[3].replace(",", "")) == customers and scores[4] is None  # one table
    marts = steps["mart_tables"]
    assert marts[4] == str(len(MART_SPECS)) and int(marts[3].replace(",", "")) > customers
    assert steps["gx_raw_feeds"][3] is None  # a step of checks writes no rows
    assert all(float(m[2]) < 300 for m in steps.values())


def test_the_summary_names_the_bi_views_the_crm_files_and_the_dashboard(nightly):
    root, done = nightly
    warehouse = root / "warehouse"
    outputs = dict(
        (line[2:16].strip(), line[16:])
        for line in done.stdout.split("\nOutputs:\n")[1].splitlines()
        if line.startswith("  ")
    )
    dashboard = warehouse / "reports" / "tier_dashboard.html"
    assert outputs["dashboard"] == str(dashboard) and dashboard.is_file()
    assert outputs["BI views"] == "schema bi of the BI file, the views BI tools should use: " + ", ".join(
        table.view for table in OUTPUT_TABLES
    )
    crm = warehouse / "exports" / "crm"
    assert outputs["CRM files"] == f"{crm}/  (hubspot_companies.csv, salesforce_accounts.csv)"
    assert (crm / "hubspot_companies.csv").is_file() and (crm / "salesforce_accounts.csv").is_file()


def test_rejections_of_an_unknown_run_is_one_line_and_exit_1(nightly):
    root, _ = nightly
    last = _tiers(["rejections"], root)
    assert last.returncode == 0 and last.stdout.startswith("Run ")
    run_id = last.stdout.split()[1].rstrip(",")
    assert _tiers(["rejections", "--run", run_id], root).returncode == 0
    unknown = _tiers(["rejections", "--run", "UNKNOWN"], root)
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert unknown.stderr == (
        "tiers: no load is recorded in quality.load_audit for run UNKNOWN: `tiers rejections` without --run shows "
        "the last run's\n"
    )


def test_rejections_of_a_run_before_any_load_exits_1(tmp_path):
    done = _tiers(["rejections", "--run", "UNKNOWN"], tmp_path)
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("tiers: no run has loaded data yet (")


def test_version_names_tiers_and_its_engines(tmp_path):
    done = _tiers(["--version"], tmp_path)
    assert done.returncode == 0
    engines = ", ".join(f"{name} {version(name)}" for name in ("dagster", "duckdb", "polars"))
    assert done.stdout == f"tiers {version('customer-tiers')} ({engines})\n"
