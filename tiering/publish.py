"""Publish the marts to the BI file all at once: build a new file beside it, then rename it into place.

A reader holding the old file open keeps reading the old, complete outputs; new readers see the new file.
The working database is never the file BI tools open, so a reader can never block the nightly run.
"""

import os
import uuid
from pathlib import Path

import duckdb

from tiering.sql import render


def publish_tables(con: duckdb.DuckDBPyConnection, tables: list[str], target: Path) -> None:
    """Copy schema.table names from the open working database into a fresh file, swapped in atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging_file = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        con.execute(f"ATTACH '{_quoted(staging_file)}' AS bi")
        try:
            for qualified in tables:
                schema, table = qualified.split(".")
                con.execute(f"CREATE SCHEMA IF NOT EXISTS bi.{schema}")
                con.execute(render("publish/copy_table", schema=schema, table=table))
            con.execute("CHECKPOINT bi")
        finally:
            con.execute("DETACH bi")
        _fsync(staging_file)
        os.replace(staging_file, target)
        _fsync(target.parent)
    finally:
        staging_file.unlink(missing_ok=True)
        Path(f"{staging_file}.wal").unlink(missing_ok=True)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
