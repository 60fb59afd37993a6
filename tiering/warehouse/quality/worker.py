"""Great Expectations in a process of its own, started when a run starts (the `gx` resource): importing it takes
seconds, which then pass while the run loads its data instead of inside the first check.

The worker (`python -m tiering.warehouse.quality.worker`) reads pickled requests on its standard input and writes
pickled replies; it ends when its input closes, so it never outlives the process that started it, even one
killed. It opens the working database read-only for each validation and closes it before replying: a check step
holds no connection of its own meanwhile (DuckDB lets one process write a file, or several read it).
"""

import os
import pickle
import subprocess
import sys
import threading
from functools import cache

import duckdb

from tiering.warehouse.quality.suites import Expectation, Outcome


def start() -> None:
    """Start the worker, once per process: it imports Great Expectations while the run goes on."""
    _worker()


def validate_file(
    database: str,
    config: dict,
    table: str,
    suite: list[Expectation],
    rows: tuple[str, dict] | None = None,
) -> list[Outcome]:
    """tiering.warehouse.quality.gx.validate on the database file `database`, opened read-only with `config`,
    in the worker."""
    worker = _worker()
    with worker.lock:
        try:
            pickle.dump((database, config, table, suite, rows), worker.requests)
            worker.requests.flush()
            done, reply = pickle.load(worker.replies)
        except (BrokenPipeError, EOFError):
            _worker.cache_clear()  # the next validation starts a new worker
            raise RuntimeError("the Great Expectations worker process ended (out of memory?)") from None
    if not done:
        raise RuntimeError(f"Great Expectations failed on {table}: {reply}")
    return reply


class _Worker:
    def __init__(self) -> None:
        command = [sys.executable, "-m", __name__]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.requests, self.replies = self.process.stdin, self.process.stdout
        self.lock = threading.Lock()


@cache
def _worker() -> _Worker:
    return _Worker()


def _validate(
    database: str, config: dict, table: str, suite: list[Expectation], rows: tuple[str, dict] | None
) -> list[Outcome]:
    from tiering.warehouse.quality.gx import validate

    with duckdb.connect(database, read_only=True, config=config) as con:
        return validate(con, table, suite, rows)


def _serve() -> None:
    """The worker's loop: a reply for each request until the input closes."""
    requests, replies = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what the libraries print goes to standard error, not into the replies
    import tiering.warehouse.quality.gx  # noqa: F401  (the import this process exists for)

    while True:
        try:
            request = pickle.load(requests)
        except EOFError:
            return
        try:
            reply = (True, _validate(*request))
        except Exception as exc:  # reported to the check, which fails with it
            reply = (False, f"{type(exc).__name__}: {exc}")
        pickle.dump(reply, replies)
        replies.flush()


if __name__ == "__main__":
    _serve()
