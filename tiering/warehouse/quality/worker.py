"""Great Expectations in a process of its own, started when a run starts (the `gx` resource): importing it takes
seconds, which then pass while the run loads its data instead of inside the first check.

The worker opens the working database read-only for each validation and closes it before answering; a check
step holds no connection of its own meanwhile (DuckDB lets one process write a file, or several read it). A
process that may not start children (a daemonic one, such as a Celery worker's) validates in itself instead.
"""

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache

import duckdb

from tiering.warehouse.quality.suites import Expectation, Outcome


def start() -> None:
    """Start the worker, once per process, and have it import Great Expectations now."""
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
    pool = _worker()
    if pool is None:
        return _validate(database, config, table, suite, rows)
    try:
        return pool.submit(_validate, database, config, table, suite, rows).result()
    except BrokenProcessPool:
        _worker.cache_clear()  # the next validation starts a new worker
        raise RuntimeError("the Great Expectations worker process died (out of memory?)") from None


@cache
def _worker() -> ProcessPoolExecutor | None:
    if multiprocessing.current_process().daemon:
        return None
    # a fresh interpreter: forking a process that runs DuckDB and Dagster's threads is unsafe
    pool = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_end_with,
        initargs=(os.getpid(),),
    )
    pool.submit(_import_gx)
    return pool


def _end_with(parent: int) -> None:
    """In the worker: end it once the process that started it has ended, however (`tiers run` leaves with
    os._exit; a run may be killed)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def _import_gx() -> None:
    import tiering.warehouse.quality.gx  # noqa: F401


def _validate(
    database: str, config: dict, table: str, suite: list[Expectation], rows: tuple[str, dict] | None
) -> list[Outcome]:
    from tiering.warehouse.quality.gx import validate

    with duckdb.connect(database, read_only=True, config=config) as con:
        return validate(con, table, suite, rows)
