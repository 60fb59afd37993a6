"""Benchmark the nightly job on demo data of growing size, beside the scan limit and a pandas alternative.

    python -m bench.run --sizes S,M [--repeats 3] [--out bench/results/<stamp>.json]

For each size: the demo data is generated once (Parquet, cached under --data-dir), then each repeat makes its own
landing folder of hard links to those files and runs, side by side and in this order:
1. first load: the nightly job as a user runs it (`tiers run --as-of D`, here `python -m tiering.cli run` so that
   it is this checkout's code) in a fresh warehouse, D being the data's last day;
2. nightly: the same command again on the same warehouse, with no new landing file (the night after);
3. new day: one day of new exports written into the repeat's landing folder (bench/new_day.py: the last day's rows
   with new ids, dated a day later), then `tiers run --as-of D+1` on the same warehouse: a real night;
4. scan floor and scan limit, as of D+1 on the same files: one DuckDB query reading every input column the traits
   use once, aggregated per key with no join (bench/scan_floor.py), and per customer with joins
   (bench/scan_limit.py); then the copy floor: every feed of the same files copied as is into a new DuckDB
   file with the pipeline's memory limit (bench/copy_floor.py), what a first load writes;
5. pandas: the same traits and tiers in plain pandas (bench/pandas_baseline.py) as of D, checked against the tiers
   of step 2.
Each is its own process, measured for wall time and peak memory of its whole process tree; the pipeline runs
also give per-stage times from their Dagster step events. See docs/benchmarks.md.
"""

import argparse
import itertools
import json
import os
import platform
import shutil
import statistics
import sys
import time
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path

import psutil

from bench import dagster_events, report
from bench.measure import MIB, Measured, run_measured
from bench.new_day import write_new_day
from bench.report import FLOORS, MEASURES, PIPELINE_MEASURES

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO / "bench" / ".data"
DEFAULT_AS_OF = date(2026, 6, 30)
SEED = 42
SIZE_ORDER = ("S", "M", "L", "XL")
NEW_DAY_UPDATES = 0  # the night: the last day's rows again with new ids, no order of the past updated
TRAIT_TOLERANCE = 1e-6  # relative, for the trait-by-trait comparison with pandas


class BenchError(RuntimeError):
    """A measured process failed; the message holds the tail of its output."""


# -- data --------------------------------------------------------------------------------------------------------


def generator_fingerprint() -> str:
    import hashlib

    return hashlib.sha256((REPO / "tiering" / "demo_data.py").read_bytes()).hexdigest()[:16]


def ensure_data(size: str, data_dir: Path, as_of: date, env: dict[str, str], timeout: float) -> dict:
    """The landing folder of `size` (generated once, reused while the generator is unchanged) and its facts."""
    folder = data_dir / f"{size}-seed{SEED}-{as_of.isoformat()}-parquet"
    landing, marker = folder / "landing", folder / "generated.json"
    fingerprint = generator_fingerprint()
    if marker.exists():
        facts = json.loads(marker.read_text())
        if facts.get("generator") == fingerprint and landing.is_dir():
            return facts | {"landing": str(landing), "cached": True}
    folder.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    command = [sys.executable, "-m", "tiering.cli", "demo-data", "--size", size, "--seed", str(SEED)]
    command += ["--format", "parquet", "--end-date", as_of.isoformat(), "--out", str(landing)]
    print(f"[bench] generating {size} demo data in {landing} ...", flush=True)
    measured = run_measured(command, env=env, cwd=REPO, timeout=timeout, log_path=folder / "generate.log")
    if measured.returncode != 0:
        raise BenchError(f"demo-data {size} failed:\n{measured.stdout_tail}")
    rows = {}
    for line in measured.stdout_tail.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "rows":
            rows[parts[0]] = int(parts[1].replace(",", ""))
    files = [p for p in landing.rglob("*.parquet")]
    facts = {
        "size": size,
        "seed": SEED,
        "end_date": as_of.isoformat(),
        "format": "parquet",
        "generator": fingerprint,
        "rows": rows,
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "generate_seconds": round(measured.wall_seconds, 2),
    }
    marker.write_text(json.dumps(facts, indent=2))
    return facts | {"landing": str(landing), "cached": False}


def link_landing(cached: Path, landing: Path) -> None:
    """A landing folder of hard links to every file of the cached one (no copy; the ingest refuses symbolic links
    that point outside a feed's folder), to which the new day's files are added without touching the cache."""
    for path in sorted(cached.rglob("*")):
        target = landing / path.relative_to(cached)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError as exc:
            raise BenchError(
                f"cannot hard-link {path} into {landing} ({exc.strerror}): the work folder must be on the file "
                "system of the data folder (--work-dir, --data-dir)"
            ) from None


def add_new_day(landing: Path, settle_seconds: float) -> dict:
    """Write one day of new exports into `landing` (bench/new_day.py), then wait until they are older than the
    ingest's settle window, as exports that landed before the night are; the day, its rows and seconds."""
    started = time.perf_counter()
    written = write_new_day(landing, NEW_DAY_UPDATES)
    seconds = time.perf_counter() - started
    newest = max(path.stat().st_mtime for path in landing.rglob("*.parquet"))
    time.sleep(max(0.0, newest + settle_seconds - time.time()))
    return written | {"updates": NEW_DAY_UPDATES, "write_seconds": round(seconds, 3)}


def warm_file_cache(landing: Path) -> None:
    """Read every landing file once, so that every contender starts with the files in the OS cache."""
    for path in sorted(landing.rglob("*.parquet")):
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass


# -- one measurement ---------------------------------------------------------------------------------------------


def base_env() -> dict[str, str]:
    """The caller's environment without TIERS_* or DAGSTER_HOME, with this checkout first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERS_") and k != "DAGSTER_HOME"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def pipeline_env(landing: Path, warehouse: Path, dagster_home: Path, policy: Path) -> dict[str, str]:
    return base_env() | {
        "TIERS_LANDING_DIR": str(landing),
        "TIERS_WAREHOUSE_DIR": str(warehouse),
        "TIERS_POLICY": str(policy),
        "DAGSTER_HOME": str(dagster_home),
    }


def summary_of(measured: Measured) -> dict:
    return {
        "wall_seconds": round(measured.wall_seconds, 3),
        "peak_rss_mib": round(measured.peak_rss_mib, 1),
        "polled_peak_rss_mib": round(measured.polled_peak_bytes / MIB, 1),
        "kernel_peak_rss_mib": round(measured.kernel_peak_bytes / MIB, 1),
        "cpu_seconds": round(measured.user_seconds + measured.system_seconds, 2),
        "load_average_at_start": [round(x, 2) for x in measured.load_average],
    }


def checked(measured: Measured, what: str) -> Measured:
    if measured.returncode != 0:
        raise BenchError(f"{what} exited with {measured.returncode}:\n{measured.stdout_tail}")
    return measured


def failure(measured: Measured, limit: int | None) -> dict | None:
    """None when the process succeeded, else what went wrong, with its wall time and peak memory until then."""
    if measured.returncode == 0:
        return None
    if measured.killed_for_memory:
        reason = f"ran out of memory: stopped above the limit of {limit / 1024**3:.1f} GiB"
    elif measured.timed_out:
        reason = f"timed out after {measured.wall_seconds:,.0f} s"
    else:
        reason = f"exited with {measured.returncode}: " + " / ".join(measured.stdout_tail.splitlines()[-6:])
    print(f"[bench]   FAILED: {reason}", flush=True)
    return summary_of(measured) | {"failed": reason}


def measure_pipeline(env: dict[str, str], as_of: date, log: Path, ctx: dict) -> dict:
    """One `tiers run --as-of D`: wall, peak memory, steps and stages from the Dagster event log, overhead."""
    command = [sys.executable, "-m", "tiering.cli", "run", "--as-of", as_of.isoformat()]
    measured = run_measured(command, env, REPO, ctx["timeout"], log, ctx["memory_limit"])
    failed = failure(measured, ctx["memory_limit"])
    if failed:
        return failed
    events = dagster_events.latest_run_events(Path(env["DAGSTER_HOME"]), after=measured.started_at)
    if events.status != "SUCCESS":
        return summary_of(measured) | {"failed": f"Dagster run {events.run_id} ended {events.status}"}
    stages: dict[str, dict] = {}
    for step in events.steps:
        stage = stages.setdefault(step.stage, {"seconds": 0.0, "peak_rss_mib": 0.0, "steps": 0})
        stage["seconds"] += step.seconds
        stage["steps"] += 1
        peak = measured.peak_between(step.start, step.end)
        if peak is not None:
            stage["peak_rss_mib"] = max(stage["peak_rss_mib"], peak / MIB)
    for stage in stages.values():
        stage["seconds"] = round(stage["seconds"], 3)
        stage["peak_rss_mib"] = round(stage["peak_rss_mib"], 1)
    in_steps = sum(step.seconds for step in events.steps)
    return summary_of(measured) | {
        "run_id": events.run_id,
        "stages": stages,
        "steps": {
            s.key: {
                "stage": s.stage,
                "seconds": round(s.seconds, 3),
                "peak_rss_mib": round((measured.peak_between(s.start, s.end) or 0) / MIB, 1),
            }
            for s in events.steps
        },
        "steps_seconds": round(in_steps, 3),
        "dagster_overhead_seconds": round(measured.wall_seconds - in_steps, 3),
        "overhead_breakdown": {
            "process_start_to_first_event": round(events.first_event - measured.started_at, 3),
            "between_steps": round(events.last_event - events.first_event - in_steps, 3),
            "last_event_to_exit": round(measured.ended_at - events.last_event, 3),
        },
    }


def load_audit(warehouse: Path) -> dict:
    """Per feed, the latest load: status and rows read, loaded and rejected (the pipeline's own audit)."""
    import duckdb

    try:
        with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
            rows = con.execute(
                "SELECT feed, arg_max(status, loaded_at), arg_max(rows_read, loaded_at), "
                "arg_max(rows_loaded, loaded_at), arg_max(rows_rejected, loaded_at) "
                "FROM quality.load_audit GROUP BY feed ORDER BY feed"
            ).fetchall()
    except duckdb.Error as exc:
        return {"error": str(exc).splitlines()[0]}
    return {
        feed: {"status": status, "rows_read": read, "rows_loaded": loaded, "rows_rejected": rejected}
        for feed, status, read, loaded, rejected in rows
    }


def export_pipeline_tiers(warehouse: Path, out: Path) -> None:
    """marts.customer_tiers of the published BI file, as Parquet, for the comparison with pandas."""
    import duckdb

    with duckdb.connect(str(warehouse / "tiers.duckdb"), read_only=True) as con:
        con.execute(f"COPY (SELECT * FROM marts.customer_tiers) TO '{out}' (FORMAT parquet)")


def compare_tiers(pipeline: Path, pandas: Path, traits: list[str]) -> dict:
    """Tier agreement of pandas with the pipeline, customer by customer, and where the traits differ."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE VIEW p AS SELECT * FROM read_parquet('{pipeline}')")
    con.execute(f"CREATE VIEW q AS SELECT * FROM read_parquet('{pandas}')")
    both = "FROM p FULL JOIN q USING (customer_id)"
    total, agree, only_pipeline, only_pandas, score_diff = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE p.tier = q.tier), count(*) FILTER (WHERE q.tier IS NULL), "
        f"count(*) FILTER (WHERE p.tier IS NULL), "
        f"count(*) FILTER (WHERE p.score IS DISTINCT FROM q.score AND NOT abs(p.score - q.score) < 0.05) {both}"
    ).fetchone()
    differing_traits = {}
    for trait in traits:
        a, b = f"p.{trait}::DOUBLE", f"q.{trait}::DOUBLE"
        differs = (
            f"({a} IS NULL) <> ({b} IS NULL) OR abs({a} - {b}) > {TRAIT_TOLERANCE} * greatest(1, abs({a}))"
        )
        count, worst = con.execute(
            f"SELECT count(*) FILTER (WHERE {differs}), max(abs({a} - {b})) {both}"
        ).fetchone()
        if count:
            differing_traits[trait] = {"customers": count, "max_abs_difference": worst}
    examples = con.execute(
        f"SELECT customer_id, p.tier, p.score, q.tier, q.score {both} "
        "WHERE p.tier IS DISTINCT FROM q.tier ORDER BY customer_id LIMIT 10"
    ).fetchall()
    con.close()
    return {
        "customers": total,
        "agreeing": agree,
        "agreement_share": agree / total if total else 0.0,
        "only_in_pipeline": only_pipeline,
        "only_in_pandas": only_pandas,
        "scores_differing": score_diff,
        "traits_differing": differing_traits,
        "examples": [
            {"customer_id": c, "pipeline": [pt, ps], "pandas": [qt, qs]} for c, pt, ps, qt, qs in examples
        ],
    }


def floor_command(floor: str, landing: Path, day: date, folder: Path, ctx: dict) -> list[str]:
    """The command of a floor on `landing`: the scans as of `day`, the copy into a new file of the repeat's
    folder with the pipeline's DuckDB memory limit."""
    command = [sys.executable, "-m", f"bench.{floor}", "--landing", str(landing)]
    if floor == "copy_floor":
        command += ["--database", str(folder / "copy_floor.duckdb")]
        return [*command, "--memory-limit", ctx["duckdb_memory_limit"]]
    command += ["--as-of", str(day), "--window-start", str(ctx["window_start"](day))]
    return [*command, "--base-currency", ctx["base_currency"]]


def one_repeat(size: str, repeat: int, data: dict, ctx: dict) -> dict:
    folder = ctx["work"] / size / f"repeat-{repeat}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    landing, warehouse = folder / "landing", folder / "warehouse"
    link_landing(Path(data["landing"]), landing)
    env = pipeline_env(landing, warehouse, ctx["dagster_home"], ctx["policy"])
    day, limit = ctx["as_of"], ctx["memory_limit"]
    result: dict = {"repeat": repeat}

    for measure in PIPELINE_MEASURES:
        if measure == "new_day":
            result["new_day_exports"] = add_new_day(landing, ctx["settle_seconds"])
            day = date.fromisoformat(result["new_day_exports"]["day"])
        print(f"[bench] {size} #{repeat + 1}: {report.LABELS[measure]} (as of {day}) ...", flush=True)
        if measure != "first_load" and "failed" in result["first_load"]:
            result[measure] = {"failed": "not run: the first load failed"}
            continue
        result[measure] = measure_pipeline(env, day, folder / f"{measure}.log", ctx)
        if "failed" not in result[measure]:
            result[measure]["load_audit"] = load_audit(warehouse)
            if measure != "new_day":
                export_pipeline_tiers(warehouse, folder / f"pipeline_{measure}.parquet")

    for floor in FLOORS:
        print(f"[bench] {size} #{repeat + 1}: {report.LABELS[floor]} (as of {day}) ...", flush=True)
        command = floor_command(floor, landing, day, folder, ctx)
        measured = run_measured(command, base_env(), REPO, ctx["timeout"], folder / f"{floor}.log", limit)
        result[floor] = failure(measured, limit) or summary_of(measured) | _last_json(measured.stdout_tail)

    print(f"[bench] {size} #{repeat + 1}: pandas (as of {ctx['as_of']}) ...", flush=True)
    pandas_tiers = folder / "pandas_tiers.parquet"
    command = [sys.executable, "-m", "bench.pandas_baseline", "--landing", str(landing)]
    command += ["--as-of", str(ctx["as_of"]), "--policy", str(ctx["policy"]), "--out", str(pandas_tiers)]
    measured = run_measured(command, base_env(), REPO, ctx["timeout"], folder / "pandas.log", limit)
    result["pandas"] = failure(measured, limit) or summary_of(measured) | _last_json(measured.stdout_tail)

    nightly, first = folder / "pipeline_nightly.parquet", folder / "pipeline_first_load.parquet"
    if nightly.exists() and pandas_tiers.exists():
        result["agreement"] = compare_tiers(nightly, pandas_tiers, ctx["traits"])
    if nightly.exists() and first.exists():
        same = compare_tiers(nightly, first, ctx["traits"])
        result["nightly_equals_first_load"] = same["agreement_share"] == 1.0 and not same["traits_differing"]
    if not ctx["keep"]:
        shutil.rmtree(warehouse, ignore_errors=True)
        shutil.rmtree(landing, ignore_errors=True)
    return result


def _last_json(text: str) -> dict:
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


# -- the whole benchmark -----------------------------------------------------------------------------------------


def machine_info() -> dict:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    return {
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "cpu_model": model,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def versions() -> dict:
    names = ("dagster", "duckdb", "polars", "pandas", "pyarrow", "numpy", "great-expectations")
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def checkout() -> dict:
    """The commit the checkout is on (read from .git without running git); the tree may hold local changes."""
    git = REPO / ".git"
    try:
        if git.is_file():  # a worktree's: it names the worktree's folder, whose commondir holds the refs
            git = Path(git.read_text().removeprefix("gitdir:").strip())
        head = (git / "HEAD").read_text().strip()
        if (git / "commondir").exists():
            git = (git / (git / "commondir").read_text().strip()).resolve()
        if head.startswith("ref: "):
            ref = head[5:]
            ref_file = git / ref
            if ref_file.exists():
                return {"path": str(REPO), "ref": ref, "commit": ref_file.read_text().strip()}
            for line in (git / "packed-refs").read_text().splitlines():
                if line.endswith(" " + ref):
                    return {"path": str(REPO), "ref": ref, "commit": line.split()[0]}
        return {"path": str(REPO), "commit": head}
    except OSError:
        return {"path": str(REPO), "commit": None}


def summarise(runs: list[dict]) -> dict:
    """Median, min and max over the repeats of every figure, and the ratios of the medians."""

    def spread(values: list[float]) -> dict:
        return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}

    summary: dict = {}
    for measure in MEASURES:
        rows = [r[measure] for r in runs if "failed" not in r[measure]]
        failures = [r[measure]["failed"] for r in runs if "failed" in r[measure]]
        if not rows:
            summary[measure] = {"failed": failures[-1], "failures": len(failures)}
            continue
        entry = {
            key: spread([r[key] for r in rows]) for key in ("wall_seconds", "peak_rss_mib", "cpu_seconds")
        }
        if measure in PIPELINE_MEASURES:
            entry["dagster_overhead_seconds"] = spread([r["dagster_overhead_seconds"] for r in rows])
            stages = {}
            for stage in (*dagster_events.STAGES, "other"):
                present = [r["stages"][stage] for r in rows if stage in r["stages"]]
                if present:
                    stages[stage] = {
                        "seconds": spread([s["seconds"] for s in present]),
                        "peak_rss_mib": spread([s["peak_rss_mib"] for s in present]),
                    }
            entry["stages"] = stages
            steps: dict[str, list[float]] = {}
            for r in rows:
                for key, step in r["steps"].items():
                    steps.setdefault(key, []).append(step["seconds"])
            entry["steps"] = {key: spread(values) for key, values in steps.items()}
        if failures:
            entry["failures"], entry["failed_reasons"] = len(failures), failures
        if measure in FLOORS:
            entry["query_seconds"] = spread([r["query_seconds"] for r in rows])
        summary[measure] = entry

    def ratio(over: str, under: str, key: str = "wall_seconds") -> dict | None:
        both = [r for r in runs if "failed" not in r[over] and "failed" not in r[under]]
        if not both:
            return None
        per_repeat = [r[over][key] / max(r[under][key], 1e-9) for r in both]
        medians = summary[over][key]["median"] / max(summary[under][key]["median"], 1e-9)
        return {"of_medians": medians, "min": min(per_repeat), "max": max(per_repeat)}

    pairs = {f"{run}_over_{floor}": (run, floor) for run in PIPELINE_MEASURES for floor in FLOORS}
    pairs |= {f"pandas_over_{run}": ("pandas", run) for run in PIPELINE_MEASURES}
    summary["ratios"] = {name: ratio(*pair) for name, pair in pairs.items()}
    summary["cpu_ratios"] = {name: ratio(*pair, key="cpu_seconds") for name, pair in pairs.items()}
    compared = [r for r in runs if "agreement" in r]
    if compared:
        summary["agreement"] = {
            "agreement_share": min(r["agreement"]["agreement_share"] for r in compared),
            "nightly_equals_first_load": all(r.get("nightly_equals_first_load", False) for r in compared),
            "last": compared[-1]["agreement"],
        }
    return summary


def scaling(sizes: dict) -> dict:
    """Time ratios between consecutive sizes that were run (M->L is the one the targets name)."""
    ran = [s for s in SIZE_ORDER if s in sizes]
    result = {}
    for small, large in itertools.pairwise(ran):
        a, b = sizes[small], sizes[large]
        entry = {
            "customers_ratio": b["data"]["rows"].get("customers", 0)
            / max(1, a["data"]["rows"].get("customers", 0)),
            "orders_ratio": b["data"]["rows"].get("orders", 0) / max(1, a["data"]["rows"].get("orders", 0)),
        }
        for measure in MEASURES:
            small_entry, large_entry = a["summary"][measure], b["summary"][measure]
            if "wall_seconds" in small_entry and "wall_seconds" in large_entry:
                entry[f"{measure}_time_ratio"] = (
                    large_entry["wall_seconds"]["median"] / small_entry["wall_seconds"]["median"]
                )
        result[f"{small}_to_{large}"] = entry
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawTextHelpFormatter,
    )
    parser.add_argument(
        "--sizes", default="S,M", help="comma-separated demo sizes: S, M, L, XL (default S,M)"
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs of each measurement per size (default 3)"
    )
    parser.add_argument(
        "--repeats-large", type=int, default=None, help="repeats of L and XL (default: --repeats)"
    )
    parser.add_argument(
        "--memory-limit-gib",
        type=float,
        default=round(0.85 * psutil.virtual_memory().total / 1024**3, 1),
        help="a measured process tree above this is stopped and reported as out of memory "
        "(default 85%% of the machine's memory)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="JSON report (default bench/results/<UTC stamp>.json); "
        "the markdown table is written beside it with the suffix .md",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("TIERS_BENCH_DATA", DEFAULT_DATA_DIR)),
        help=f"where generated demo data is cached (default $TIERS_BENCH_DATA or {DEFAULT_DATA_DIR})",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="warehouses, logs and the Dagster instance of this benchmark (default: a new folder under --data-dir)",
    )
    parser.add_argument(
        "--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF, help="as-of date and the data's end date"
    )
    parser.add_argument("--policy", type=Path, default=REPO / "policy" / "ideal_customer.yaml")
    parser.add_argument(
        "--timeout", type=float, default=4 * 3600, help="seconds allowed to one process (default 4 h)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder (warehouses, logs)")
    parser.add_argument(
        "--skip-warm-up",
        action="store_true",
        help="do not create the Dagster instance and compile the modules before measuring (for the smoke test)",
    )
    args = parser.parse_args(argv)

    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZE_ORDER]
    if unknown or not sizes or args.repeats < 1:
        parser.error(f"--sizes takes S, M, L, XL (got {args.sizes}); --repeats at least 1")
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    out = args.out or REPO / "bench" / "results" / f"{stamp}.json"
    work = (args.work_dir or args.data_dir / "runs" / stamp).resolve()
    work.mkdir(parents=True, exist_ok=True)
    ctx = _context(args, work)

    results: dict = {
        "schema": 2,
        "command": " ".join(["python -m bench.run", *(argv if argv is not None else sys.argv[1:])]),
        "started": started.isoformat(timespec="seconds"),
        "machine": machine_info(),
        "versions": versions(),
        "checkout": checkout(),
        "settings": {
            "sizes": sizes,
            "repeats": args.repeats,
            "repeats_large": args.repeats_large or args.repeats,
            "memory_limit_gib": args.memory_limit_gib,
            "as_of": args.as_of.isoformat(),
            "seed": SEED,
            "format": "parquet",
            "policy": str(args.policy),
            "work_dir": str(work),
        },
        "sizes": {},
    }
    print(f"[bench] machine: {results['machine']}", flush=True)
    if not args.skip_warm_up:
        _warm_up(ctx)
    for size in sorted(sizes, key=SIZE_ORDER.index):
        data = ensure_data(size, args.data_dir.resolve(), args.as_of, base_env(), args.timeout)
        warm_file_cache(Path(data["landing"]))
        repeats = args.repeats_large if size in ("L", "XL") and args.repeats_large else args.repeats
        runs = [one_repeat(size, repeat, data, ctx) for repeat in range(repeats)]
        results["sizes"][size] = {"data": data, "runs": runs, "summary": summarise(runs)}
        _write(results, out)  # after every size, so a long run keeps what it measured
        print(report.size_table(size, results["sizes"][size]), flush=True)
    results["scaling"] = scaling(results["sizes"])
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = report.evaluate_targets(results)
    _write(results, out)
    print(report.markdown(results), flush=True)
    print(f"[bench] wrote {out} and {out.with_suffix('.md')}", flush=True)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _context(args: argparse.Namespace, work: Path) -> dict:
    """What every repeat needs: paths, the as-of window and the traits, read from the pipeline's own code."""
    import yaml

    from bench import scan_limit
    from tiering.settings import setting_value
    from tiering.traits import TRAIT_COLUMNS
    from tiering.traits.common import window_start
    from tiering.traits.orders import RECENT_HALF_DAYS

    if scan_limit.RECENT_HALF_DAYS != RECENT_HALF_DAYS:
        raise BenchError("bench.scan_limit.RECENT_HALF_DAYS no longer matches tiering.traits.orders")
    policy = yaml.safe_load(args.policy.read_text())
    home = work / "dagster_home"
    dagster_events.write_instance_yaml(REPO, home)
    return {
        "work": work,
        "dagster_home": home,
        "policy": args.policy.resolve(),
        "base_currency": policy.get("base_currency", "USD"),
        "as_of": args.as_of,
        "window_start": window_start,
        "settle_seconds": setting_value("file_settle_seconds", base_env()),
        "duckdb_memory_limit": setting_value("duckdb_memory_limit", base_env()),
        "timeout": args.timeout,
        "memory_limit": int(args.memory_limit_gib * 1024**3),
        "keep": args.keep,
        "traits": list(TRAIT_COLUMNS),
    }


def _warm_up(ctx: dict) -> None:
    """Create the Dagster instance's storage and compile the modules once, outside every measurement."""
    scratch = ctx["work"] / "warm-up"
    env = pipeline_env(scratch / "landing", scratch / "warehouse", ctx["dagster_home"], ctx["policy"])
    code = "import dagster, pipelines.definitions, bench.pandas_baseline; dagster.DagsterInstance.get().get_runs(limit=1)"
    checked(
        run_measured([sys.executable, "-c", code], env, REPO, ctx["timeout"], ctx["work"] / "warm-up.log"),
        "warm-up",
    )
    shutil.rmtree(scratch, ignore_errors=True)


def _write(results: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    out.with_suffix(".md").write_text(report.markdown(results))


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except BenchError as exc:
        print(f"[bench] FAILED: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
