"""Shards and workers, side by side: `python -m bench.scaling --sizes M,L` (data as bench.run makes it).

For each size, a first load (in-process, one shard) makes the warehouse; then nightly runs of the same as-of
date on it, in each configuration: in-process and on Celery with two workers, with 1 and 4 shards. Each
configuration runs twice and the second run is reported: the first also exports the staged facts for its
shard count, which a real night does only when a landing file changed staging.

Reported per run: wall time, the shard phase (from the plan step's start to the gather step's end), the
slowest shard step, the sum of the shard steps, and peak memory of the `tiers` process tree and of the
workers' trees (summed); the JSON also has every step's seconds. Written to
bench/results/<date>-scaling.{json,md}.
"""

import argparse
import json
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import psutil

from bench import dagster_events
from bench.measure import MIB, run_measured, tree_rss
from bench.run import DEFAULT_AS_OF as AS_OF
from bench.run import DEFAULT_DATA_DIR, REPO, base_env, ensure_data, pipeline_env, warm_file_cache
from tests.support.celery_stack import celery_stack
from tiering.settings import DEFAULT_POLICY

CONFIGURATIONS = (("in_process", 1), ("in_process", 4), ("celery", 1), ("celery", 4))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scaling", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="M,L")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    args = parser.parse_args(argv)
    results = {"as_of": AS_OF.isoformat(), "workers": args.workers, "sizes": {}}
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory(prefix=f"tiers-scaling-{size}-") as folder:
            results["sizes"][size] = _size(size, Path(folder), args.workers)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"{date.today()}-scaling"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2))
    stem.with_suffix(".md").write_text(_report(results))
    print(_report(results))
    return 0


def _size(size: str, folder: Path, workers: int) -> dict:
    landing = Path(ensure_data(size, DEFAULT_DATA_DIR, AS_OF, base_env(), 7200)["landing"])
    warm_file_cache(landing)
    with celery_stack(folder / "celery", workers) as stack:
        env = pipeline_env(landing, folder / "warehouse", stack.dagster_home, DEFAULT_POLICY)
        out = {"first_load": _run(env, folder / "first.log", [])}
        for executor, shards in CONFIGURATIONS:
            run_env = env | {
                "TIERS_EXECUTOR": executor,
                "TIERS_SHARDS": str(shards),
                "TIERS_CELERY_BROKER": stack.broker,
            }
            pids = stack.worker_pids if executor == "celery" else []
            _run(run_env, folder / f"{executor}-{shards}-a.log", pids)
            label = f"{executor}, {shards} shard(s)"
            out[label] = _run(run_env, folder / f"{executor}-{shards}-b.log", pids)
            print(f"[scaling] {size} {label}: {out[label]}", flush=True)
    return out


def _run(env: dict, log: Path, worker_pids: list[int]) -> dict:
    """One `tiers run`: its wall time and memory, the workers' peak memory, the shard steps' times."""
    command = [sys.executable, "-m", "tiering.cli", "run", "--as-of", AS_OF.isoformat()]
    peak = _WorkerPeak(worker_pids)
    with peak:
        measured = run_measured(command, env, REPO, 7200, log, None)
    if measured.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{measured.stdout_tail}")
    events = dagster_events.latest_run_events(Path(env["DAGSTER_HOME"]), after=measured.started_at)
    shards = [s for s in events.steps if s.stage == "shards"]
    shard_steps = [s.seconds for s in shards if "_shard[" in s.key]
    return {
        "wall_seconds": round(measured.wall_seconds, 1),
        "shard_phase_seconds": round(max(s.end for s in shards) - min(s.start for s in shards), 1),
        "slowest_shard_seconds": round(max(shard_steps), 1),
        "shard_steps_seconds": round(sum(shard_steps), 1),
        "run_peak_mib": round(measured.peak_rss_mib),
        "workers_peak_mib": round(peak.bytes / MIB),
        "steps": {step.key: round(step.seconds, 1) for step in events.steps},
    }


class _WorkerPeak:
    """Polls the summed RSS of the workers' process trees while the block runs; `bytes` is its peak."""

    def __init__(self, pids: list[int]) -> None:
        self.processes = [psutil.Process(pid) for pid in pids]
        self.bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.bytes = max(self.bytes, sum(tree_rss(process) for process in self.processes))
            time.sleep(0.1)


def _report(results: dict) -> str:
    lines = [
        f"# Shards and workers, as of {results['as_of']} ({results['workers']} Celery workers)",
        "",
        "| size | run | wall s | shard phase s | slowest shard s | shard steps s | run peak MiB | workers peak MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for size, runs in results["sizes"].items():
        for label, r in runs.items():
            lines.append(
                f"| {size} | {label} | {r['wall_seconds']} | {r['shard_phase_seconds']} | "
                f"{r['slowest_shard_seconds']} | {r['shard_steps_seconds']} | {r['run_peak_mib']} | "
                f"{r['workers_peak_mib']} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
