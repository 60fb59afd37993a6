"""A local Celery stack for the tests and the scaling benchmark (bench/scaling.py): Redis on a free loopback
port and Celery workers of one process each, sharing one Dagster instance (README, "Celery on one machine")."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from tiering.settings import REPO_ROOT

from . import free_port


@dataclass
class CeleryStack:
    broker: str
    dagster_home: Path
    worker_logs: list[Path]
    worker_pids: list[int]


class StackError(RuntimeError):
    """Redis or a worker did not start; the message holds the end of its log."""


@contextlib.contextmanager
def celery_stack(folder: Path, workers: int = 2) -> Iterator[CeleryStack]:
    """Start Redis and `workers` Celery workers under `folder`; stop them all on leaving."""
    if shutil.which("redis-server") is None:
        raise StackError("redis-server is not installed (Debian: apt-get install redis-server)")
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    home = folder / "dagster_home"
    home.mkdir(parents=True)
    dg.DagsterInstance.from_config(str(home)).dispose()  # the instance's storage made once, not raced
    config = folder / "celery.yaml"
    config.write_text(f"execution:\n  config:\n    broker: {broker}\n    backend: {broker}\n")
    env = os.environ | {"DAGSTER_HOME": str(home), "PYTHONPATH": str(REPO_ROOT)}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    redis = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    processes: list[subprocess.Popen] = []
    try:
        processes.append(_start(redis, folder / "redis.log", env, "Ready to accept connections"))
        logs = [folder / f"w{number}.log" for number in range(1, workers + 1)]
        for log in logs:
            command = ["dagster-celery", "worker", "start", "-A", "dagster_celery.app", "-y", str(config)]
            name = log.stem
            processes.append(_start([*command, "-n", name, "--", "--concurrency", "1"], log, env, "ready."))
        yield CeleryStack(broker, home, logs, [p.pid for p in processes[1:]])
    finally:
        for process in reversed(processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _start(command: list[str], log: Path, env: dict, ready: str, seconds: float = 90) -> subprocess.Popen:
    """Start `command` in a session of its own, its output in `log`, and wait until `ready` is printed."""
    with log.open("w") as out:  # the child keeps its own copy of the file
        process = subprocess.Popen(
            command, env=env, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if ready in log.read_text(errors="replace"):
            return process
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    raise StackError(f"{command[0]} did not start: {log.read_text(errors='replace')[-2000:]}")
