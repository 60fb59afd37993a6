"""Two checkouts of the pipeline side by side: a first load and a night without new files, taking turns.

    python -m bench.compare --before DIR --after DIR [--sizes S,M,L] [--repeats 2] [--out FILE.json]

Each checkout runs with its own virtual environment (DIR/.venv) and its own code: every measurement is that
checkout's `bench.run.measure_pipeline` (wall time, peak memory, the Dagster steps' seconds and the overhead
around them), called in a process of its own, on the same demo data (bench.run's cache). The checkouts take
turns, repeat by repeat, so that a busy machine slows both alike; report ratios, not seconds. The tiers the
two publish are compared customer by customer (`tiers_compared`).
"""

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import polars as pl

from bench.run import DEFAULT_AS_OF, DEFAULT_DATA_DIR, REPO, base_env, ensure_data

# Run in the checkout's own interpreter: its bench.run and bench.dagster_events read its own instance layout.
MEASURE = """
import json, sys
from datetime import date
from pathlib import Path
from bench.dagster_events import write_instance_yaml
from bench.run import REPO, measure_pipeline, pipeline_env
landing, work, as_of = Path(sys.argv[1]), Path(sys.argv[2]), date.fromisoformat(sys.argv[3])
home = work / "dagster_home"
if not (home / "dagster.yaml").exists():
    write_instance_yaml(REPO, home)
env = pipeline_env(landing, work / "warehouse", home, REPO / "policy" / "ideal_customer.yaml")
log = work / f"run-{sys.argv[4]}.log"
print(json.dumps(measure_pipeline(env, as_of, log, {"timeout": 4 * 3600, "memory_limit": None})))
"""

KEPT = ("wall_seconds", "peak_rss_mib", "steps_seconds", "dagster_overhead_seconds", "failed")


def measure(checkout: Path, landing: Path, work: Path, as_of: date, name: str) -> dict:
    python = checkout / ".venv" / "bin" / "python"
    done = subprocess.run(
        [str(python), "-c", MEASURE, str(landing), str(work), as_of.isoformat(), name],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"failed": done.stderr.strip().splitlines()[-1:]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {key: result[key] for key in KEPT if key in result} | {"stages": result.get("stages", {})}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    parser.add_argument("--sizes", default="S,M")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    checkouts = {"before": args.before.resolve(), "after": args.after.resolve()}
    results: dict = {"checkouts": {k: str(v) for k, v in checkouts.items()}, "sizes": {}}
    tiers = Path(tempfile.mkdtemp(prefix="compare-tiers-"))
    for size in args.sizes.split(","):
        data = ensure_data(size, args.data_dir, DEFAULT_AS_OF, base_env(), 4 * 3600)
        runs: dict[str, list[dict]] = {name: [] for name in checkouts}
        for repeat in range(args.repeats):
            for name, checkout in checkouts.items():
                with tempfile.TemporaryDirectory(prefix=f"compare-{size}-{name}-") as work:
                    first = measure(checkout, Path(data["landing"]), Path(work), DEFAULT_AS_OF, "first")
                    night = measure(checkout, Path(data["landing"]), Path(work), DEFAULT_AS_OF, "night")
                    published = Path(work) / "warehouse" / "exports" / "customer_tiers.parquet"
                    if repeat == 0 and published.exists():
                        shutil.copy(published, tiers / f"{size}-{name}.parquet")
                runs[name].append({"first_load": first, "nightly": night})
                print(
                    f"[compare] {size} #{repeat + 1} {name}: first load {first.get('wall_seconds')} s, "
                    f"night {night.get('wall_seconds')} s",
                    flush=True,
                )
        results["sizes"][size] = {
            "runs": runs,
            "median": _medians(runs),
            "tiers_compared": _compare_tiers(
                tiers / f"{size}-before.parquet", tiers / f"{size}-after.parquet"
            ),
        }
    out = args.out or REPO / "bench" / "results" / "compare.json"
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(
        json.dumps(
            {size: r["median"] | r["tiers_compared"] for size, r in results["sizes"].items()}, indent=1
        )
    )
    shutil.rmtree(tiers, ignore_errors=True)
    return 0


def _compare_tiers(before: Path, after: Path) -> dict:
    """Customers, those whose tier differs, and the largest score difference between the two published
    marts.customer_tiers."""
    if not (before.exists() and after.exists()):
        return {"tiers_identical": None}
    joined = pl.read_parquet(before).join(
        pl.read_parquet(after), on="customer_id", how="full", suffix="_after"
    )
    differ = joined.filter(pl.col("tier").ne_missing(pl.col("tier_after")))
    return {
        "customers": joined.height,
        "tiers_differing": differ.height,
        "max_score_difference": joined.select((pl.col("score") - pl.col("score_after")).abs().max()).item(),
        "tiers_identical": differ.height == 0,
    }


def _medians(runs: dict[str, list[dict]]) -> dict:
    """Per checkout and measure, the median of each figure; and after / before of the wall times."""
    medians = {
        name: {
            measure: {
                key: statistics.median(r[measure][key] for r in repeats if key in r[measure])
                for key in KEPT[:-1]
                if all(key in r[measure] for r in repeats)
            }
            for measure in ("first_load", "nightly")
        }
        for name, repeats in runs.items()
    }
    for measure in ("first_load", "nightly"):
        before = medians["before"][measure].get("wall_seconds")
        after = medians["after"][measure].get("wall_seconds")
        if before and after:
            medians[f"{measure}_ratio_after_to_before"] = round(after / before, 3)
    return medians


if __name__ == "__main__":
    raise SystemExit(main())
