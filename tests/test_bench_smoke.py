"""The benchmark harness (bench/, docs/benchmarks.md) still works end to end on S data.

No timing is asserted: the figures depend on the machine and its load. What must hold is that the harness runs
the real nightly job three times (a first load, a night without new files, a night with one day of new exports
that loads only the new files), the three floors and the pandas alternative, maps every Dagster step to a
stage, reports the ratios, that the copy floor copies every landing row, and that the pandas tiers equal the
pipeline's.
"""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The names the issue binds: bench/ is run as a module from the checkout, not imported here (it is no package).
STAGES = ("ingest", "checks", "staging", "shards", "marts", "publish")
PIPELINE_RUNS = ("first_load", "nightly", "new_day")
FLOORS = ("scan_floor", "scan_limit", "copy_floor")
MEASURES = (*PIPELINE_RUNS, *FLOORS, "pandas")
NEW_DAY_FEEDS = {"orders", "order_lines", "invoices", "payments", "support_tickets"}


def test_benchmark_harness_on_s_data(tmp_path):
    out = tmp_path / "result.json"
    command = [sys.executable, "-m", "bench.run", "--sizes", "S", "--repeats", "1", "--skip-warm-up"]
    command += ["--data-dir", str(tmp_path / "data"), "--out", str(out)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"

    result = json.loads(out.read_text())
    assert {"cpus", "memory_gib", "cpu_model", "load_average_at_start"} <= result["machine"].keys()
    size = result["sizes"]["S"]
    summary = size["summary"]
    for measure in MEASURES:
        for figure in ("wall_seconds", "peak_rss_mib"):
            assert {"median", "min", "max"} <= summary[measure][figure].keys(), (measure, figure)

    for measure in PIPELINE_RUNS:
        run = size["runs"][0][measure]
        unmapped = [key for key, step in run["steps"].items() if step["stage"] == "other"]
        assert not unmapped, f"steps with no stage in bench/dagster_events.py: {unmapped}"
        assert set(STAGES) <= run["stages"].keys(), (measure, sorted(run["stages"]))
        assert "dagster_overhead_seconds" in run
    nightly_audit = size["runs"][0]["nightly"]["load_audit"]
    assert nightly_audit and "error" not in nightly_audit
    assert {a["status"] for a in nightly_audit.values()} == {"unchanged"}, nightly_audit

    exports = size["runs"][0]["new_day_exports"]
    assert exports["day"] > result["settings"]["as_of"] and exports["updates"] == 0
    new_day_audit = size["runs"][0]["new_day"]["load_audit"]
    assert new_day_audit.keys() == nightly_audit.keys()
    for feed, load in new_day_audit.items():
        expected = ("loaded", exports["rows"][feed]) if feed in NEW_DAY_FEEDS else ("unchanged", 0)
        assert (load["status"], load["rows_loaded"]) == expected, (feed, load)
    assert all(exports["rows"][feed] for feed in NEW_DAY_FEEDS), exports

    ratios = summary["ratios"]
    names = [f"{run}_over_{floor}" for run in PIPELINE_RUNS for floor in FLOORS]
    for name in names + [f"pandas_over_{run}" for run in PIPELINE_RUNS]:
        assert ratios[name]["of_medians"] > 0, name
    assert size["runs"][0]["scan_floor"]["customers"] == size["runs"][0]["scan_limit"]["customers"]
    copied = size["runs"][0]["copy_floor"]
    assert copied["rows"].keys() == new_day_audit.keys(), "every feed is copied"
    for feed, rows in copied["rows"].items():
        assert rows == size["data"]["rows"][feed] + exports["rows"].get(feed, 0), feed
    assert copied["file_mib"] > 0

    agreement = summary["agreement"]
    assert agreement["agreement_share"] == 1.0, agreement["last"]
    assert agreement["last"]["customers"] > 0
    assert agreement["nightly_equals_first_load"]

    assert {t["target"] for t in result["targets"]}, "targets are evaluated"
    text = out.with_suffix(".md").read_text()
    assert (
        "scan floor" in text
        and "scan limit" in text
        and "copy floor" in text
        and "night with one day of new exports" in text
    )
    assert not list((tmp_path / "data" / "runs").iterdir()), "the work folder (with its landing) is removed"
