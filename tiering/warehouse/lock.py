"""One writer at a time: a run holds the lock file of its warehouse folder from start to end (`fcntl.flock`, which
the kernel releases when the process ends, however it ends), and checks first that the folder can be written
and the working database opened, so that a fault no retry can cure stops the run at once."""

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

LOCK_FILE = ".tiers-run.lock"  # in the warehouse folder; while a run holds it, it says which run


class WarehouseError(RuntimeError):
    """The warehouse cannot take this run; the message says why, in one line."""


@contextmanager
def hold_warehouse(warehouse: Path, work_db: Path, holder: str) -> Iterator[None]:
    """Hold the warehouse's lock for the block, its file saying `holder`; WarehouseError at once when another
    process holds it, when the folder cannot be written or when the working database cannot be opened."""
    try:
        warehouse.mkdir(parents=True, exist_ok=True)
        handle = os.fdopen(os.open(warehouse / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644), "r+")
    except OSError as exc:
        raise WarehouseError(f"the warehouse folder {warehouse} cannot be written: {exc.strerror}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = handle.read().strip() or "another process"
            raise WarehouseError(
                f"another run is writing to the warehouse {warehouse}: {other}. One run at a time: run again "
                "when it has ended"
            ) from None
        handle.truncate(0)
        handle.write(holder + "\n")
        handle.flush()
        try:
            _check_usable(warehouse, work_db)
            yield
        finally:
            handle.truncate(0)  # the lock itself goes with the file handle


def _check_usable(warehouse: Path, work_db: Path) -> None:
    try:
        tempfile.TemporaryFile(dir=warehouse).close()
    except OSError as exc:
        raise WarehouseError(f"the warehouse folder {warehouse} cannot be written: {exc.strerror}") from None
    if not work_db.exists():
        return
    try:
        duckdb.connect(str(work_db)).close()
    except duckdb.Error as exc:
        if "Could not set lock" in str(exc):
            return  # a reader has it open for a moment (`tiers rejections`, say): the run's steps wait for it
        reason = str(exc).strip().splitlines()[0]
        raise WarehouseError(f"the working database {work_db} cannot be opened: {reason}") from None
