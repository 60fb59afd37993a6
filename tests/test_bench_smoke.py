"""The benchmark harness (bench/, docs/benchmarks.md) still works end to end on S data.

No timing is asserted: the figures depend on the machine and its load. What must hold is that the harness runs
the real nightly job twice, the scan limit and the pandas alternative, maps every Dagster step to a stage,
reports the ratios, and that the pandas tiers equal the pipeline's.
"""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The names the issue binds: bench/ is run as a module from the checkout, not imported here (it is no package).
STAGES = ("ingest", "checks", "staging", "shards", "marts", "publish")
MEASURES = ("first_load", "nightly", "scan_limit", "pandas")


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

    for measure in ("first_load", "nightly"):
        run = size["runs"][0][measure]
        unmapped = [key for key, step in run["steps"].items() if step["stage"] == "other"]
        assert not unmapped, f"steps with no stage in bench/dagster_events.py: {unmapped}"
        assert set(STAGES) <= run["stages"].keys(), (measure, sorted(run["stages"]))
        assert "dagster_overhead_seconds" in run
    nightly_audit = size["runs"][0]["nightly"]["load_audit"]
    assert nightly_audit and "error" not in nightly_audit

    ratios = summary["ratios"]
    for name in (
        "first_load_over_scan_limit",
        "nightly_over_scan_limit",
        "pandas_over_first_load",
        "pandas_over_nightly",
    ):
        assert ratios[name]["of_medians"] > 0, name

    agreement = summary["agreement"]
    assert agreement["agreement_share"] == 1.0, agreement["last"]
    assert agreement["last"]["customers"] > 0
    assert agreement["nightly_equals_first_load"]

    assert {t["target"] for t in result["targets"]}, "targets are evaluated"
    assert "scan limit" in out.with_suffix(".md").read_text()
