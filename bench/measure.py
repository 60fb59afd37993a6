"""Run one command in a subprocess and measure it: wall time and peak memory of the whole process tree.

Memory is measured two ways and the larger is reported:
- psutil polls the resident set size (RSS) of the process and all its descendants every POLL_SECONDS and keeps
  the timeline, so that a peak can be attributed to the stage running at that moment;
- wait4() returns the kernel's own peak RSS of the main process (ru_maxrss), which polling cannot miss.
"""

import contextlib
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

POLL_SECONDS = 0.05
MIB = 1024 * 1024


@dataclass
class Measured:
    command: list[str]
    returncode: int
    started_at: float  # epoch seconds (time.time()), comparable with Dagster event timestamps
    ended_at: float
    wall_seconds: float
    peak_rss_bytes: int  # max(polled tree peak, kernel peak of the main process)
    polled_peak_bytes: int
    kernel_peak_bytes: int
    user_seconds: float
    system_seconds: float
    load_average: tuple[float, float, float]  # at start
    samples: list[tuple[float, int]] = field(default_factory=list)  # (epoch seconds, tree RSS bytes)
    stdout_tail: str = ""
    killed_for_memory: bool = (
        False  # the tree went over memory_limit and was killed (an out-of-memory outcome)
    )
    timed_out: bool = False

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_bytes / MIB

    def peak_between(self, start: float, end: float) -> int | None:
        """Highest polled tree RSS between two epoch times; the nearest sample when none falls inside."""
        inside = [rss for t, rss in self.samples if start <= t <= end]
        if inside:
            return max(inside)
        if not self.samples:
            return None
        middle = (start + end) / 2
        return min(self.samples, key=lambda s: abs(s[0] - middle))[1]


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in (process, *process.children(recursive=True)):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            total += member.memory_info().rss
    return total


def run_measured(
    command: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
    log_path: Path | None = None,
    memory_limit: int | None = None,
) -> Measured:
    """Run `command`, polling its memory, and return the measurements (the caller checks returncode).

    Above memory_limit bytes of tree RSS the whole tree is killed and the result says so: on a shared machine
    without swap this stands in for the kernel's out-of-memory killer, which could pick another user's process.

    stdout and stderr go to log_path (or nowhere) so that a chatty process never blocks on a full pipe; the
    last lines of the log are kept in the result.
    """
    log_path = log_path or Path(os.devnull)
    samples: list[tuple[float, int]] = []
    stop = threading.Event()
    load = os.getloadavg()
    with open(log_path, "wb") as log:
        started_at, started = time.time(), time.perf_counter()
        child = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        process = psutil.Process(child.pid)

        def poll() -> None:
            while not stop.is_set():
                try:
                    rss = tree_rss(process)
                except (psutil.NoSuchProcess, psutil.ZombieProcess):
                    return
                samples.append((time.time(), rss))
                if memory_limit and rss > memory_limit:
                    flags["memory"] = True
                    _kill_tree(process)
                    return
                stop.wait(POLL_SECONDS)

        def expire() -> None:
            flags["timeout"] = True
            _kill_tree(process)

        flags = {"memory": False, "timeout": False}
        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        timer = threading.Timer(timeout, expire) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            if timer:
                timer.cancel()
            stop.set()
            poller.join()
        wall = time.perf_counter() - started
        ended_at = time.time()
    child.returncode = os.waitstatus_to_exitcode(status)
    polled = max((rss for _, rss in samples), default=0)
    kernel = usage.ru_maxrss * 1024  # KiB on Linux
    tail = _tail(log_path)
    return Measured(
        command=command,
        returncode=child.returncode,
        started_at=started_at,
        ended_at=ended_at,
        wall_seconds=wall,
        peak_rss_bytes=max(polled, kernel),
        polled_peak_bytes=polled,
        kernel_peak_bytes=kernel,
        user_seconds=usage.ru_utime,
        system_seconds=usage.ru_stime,
        load_average=load,
        samples=samples,
        stdout_tail=tail,
        killed_for_memory=flags["memory"],
        timed_out=flags["timeout"],
    )


def _kill_tree(process: psutil.Process) -> None:
    """Kill the measured process and its descendants (only those: never anything found by name)."""
    with contextlib.suppress(psutil.NoSuchProcess):
        members = [*process.children(recursive=True), process]
        for member in members:
            with contextlib.suppress(psutil.NoSuchProcess):
                member.kill()


def _tail(path: Path, lines: int = 40) -> str:
    """The last lines of the log, without progress bars (Great Expectations draws them on stderr)."""
    if str(path) == os.devnull:
        return ""
    kept = [line for line in path.read_text(errors="replace").splitlines() if "it/s]" not in line]
    return "\n".join(kept[-lines:])
