"""Publish the marts all at once: build new outputs beside the old ones, then swap them in with one rename.

The BI file: a new DuckDB file, in a storage format DuckDB 1.2 and later read, renamed over tiers.duckdb. A
reader holding the old file open keeps reading the old, complete outputs; new readers see the new file. The
working database is never the file BI tools open, so a reader can never block the nightly run.
The Parquet exports: a new folder exports-<id>/, then the symlink exports is replaced to point at it; CSV files
for other tools (the CRM exports) are written into the same folder, so they are swapped in with the Parquet files.
A run killed at any point leaves the published outputs as they were; its leftovers are removed by the next run.
A program that wrote to the BI file (a BI tool that opened it read-write) may leave its write-ahead log beside it,
which no other file can replay: it is removed at the swap, and the published file is checked to open.
"""

import glob
import logging
import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb

from tiering.warehouse.sql import quoted, run_sql, sql_text

log = logging.getLogger(__name__)
EXPORTS_LINK = "exports"
NEW_CATALOG = "new_bi_file"  # the BI file being built, as attached to the working database
# The BI file's storage format: the one DuckDB 1.2 introduced, which every DuckDB from 1.2 on reads (BI tools
# bundle DuckDB 1.x: the Metabase driver, DBeaver, the duckdb-cli package), not DuckDB 2.0's own.
BI_STORAGE_VERSION = "v1.2.0"


def publish_tables(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    warehouse: Path,
    bi_file: str,
    bi_statements: Sequence[str] = (),
    csv_exports: Mapping[str, str] | None = None,
) -> list[str]:
    """Copy schema.table names from the open working database to the BI file and to Parquet exports; what was
    found and set right on the way (a stale write-ahead log removed).

    bi_statements (views, comments) run inside the new BI file once the tables are in it; csv_exports maps a
    path under the exports folder to the query whose rows the CSV file there holds.
    """
    warehouse.mkdir(parents=True, exist_ok=True)
    link = warehouse / EXPORTS_LINK
    if link.exists() and not link.is_symlink():
        raise RuntimeError(f"{link} is a real folder, not the exports link: move it away and re-run")
    _remove_leftovers(warehouse, bi_file)
    run_id = uuid.uuid4().hex
    new_file = warehouse / f".{bi_file}.{run_id}.tmp"
    new_exports = warehouse / f"{EXPORTS_LINK}-{run_id}"
    published = warehouse / bi_file
    try:
        _build_bi_file(con, tables, new_file, bi_statements)
        _build_exports(con, tables, new_exports, csv_exports or {})
        stale = _remove_stale_wal(published)
        os.replace(new_file, published)
        stale = _remove_stale_wal(published) or stale  # written between the removal and the swap
        _swap_symlink(link, new_exports.name)
        _fsync(warehouse)
    finally:
        new_file.unlink(missing_ok=True)
        Path(f"{new_file}.wal").unlink(missing_ok=True)
    _remove_leftovers(warehouse, bi_file)
    _check_opens(published, tables)
    return [stale] if stale else []


def _remove_stale_wal(published: Path) -> str | None:
    """Remove the write-ahead log a program left beside the published file: it belongs to the file being
    replaced, and DuckDB refuses to open the new one beside it ("WAL does not match database file")."""
    wal = Path(f"{published}.wal")
    if not wal.exists():
        return None
    wal.unlink(missing_ok=True)
    note = (
        f"removed {wal}, left by a program that wrote to {published.name}: the file is rebuilt by each run, so "
        "BI tools should open it read-only and keep their own tables elsewhere"
    )
    log.warning(note)
    return note


def _check_opens(published: Path, tables: list[str]) -> None:
    """The published file opens, as a reader opens it, and holds every table."""
    try:
        with duckdb.connect(str(published), read_only=True) as reader:
            found = {f"{s}.{t}" for s, t in reader.execute(sql_text("publish:tables")).fetchall()}
    except duckdb.Error as exc:
        raise RuntimeError(f"the published file {published} does not open: {exc}") from None
    missing = sorted(set(tables) - found)
    if missing:
        raise RuntimeError(f"the published file {published} lacks {', '.join(missing)}")


def _build_bi_file(
    con: duckdb.DuckDBPyConnection, tables: list[str], path: Path, statements: list[str]
) -> None:
    """The tables, then the statements, run with the new file as the default catalog so that the names in
    views resolve when a reader opens the file on its own."""
    [(work,)] = con.execute(sql_text("publish:current_database")).fetchall()
    run_sql(con, "publish:attach", path=quoted(path), catalog=NEW_CATALOG, version=BI_STORAGE_VERSION)
    try:
        for qualified in tables:
            schema, table = qualified.split(".")
            run_sql(con, "publish:create_schema", catalog=NEW_CATALOG, schema=schema)
            run_sql(con, "publish:copy_table", catalog=NEW_CATALOG, schema=schema, table=table)
        run_sql(con, "publish:use", catalog=NEW_CATALOG)
        try:
            for statement in statements:
                con.execute(statement)
        finally:
            run_sql(con, "publish:use", catalog=work)
        run_sql(con, "publish:checkpoint", catalog=NEW_CATALOG)
    finally:
        run_sql(con, "publish:detach", catalog=NEW_CATALOG)
    _fsync(path)


def _build_exports(
    con: duckdb.DuckDBPyConnection, tables: list[str], folder: Path, csv_exports: Mapping[str, str]
) -> None:
    folder.mkdir()
    for qualified in tables:
        target = folder / f"{qualified.split('.')[1]}.parquet"
        run_sql(con, "publish:export_parquet", table=qualified, path=quoted(target))
        _fsync(target)
    for relative, query in csv_exports.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        run_sql(con, "publish:export_csv", query=query, path=quoted(target))
        _fsync(target)


def _swap_symlink(link: Path, target_name: str) -> None:
    """Point link at target_name atomically (a new symlink renamed over the old one)."""
    temporary = link.with_name(f".{link.name}.{uuid.uuid4().hex}.tmp")
    temporary.symlink_to(target_name)
    os.replace(temporary, link)


def _remove_leftovers(warehouse: Path, bi_file: str) -> None:
    """Delete half-built files of killed runs and export folders no longer published."""
    current = os.readlink(warehouse / EXPORTS_LINK) if (warehouse / EXPORTS_LINK).is_symlink() else None
    for path in warehouse.glob(f".{glob.escape(bi_file)}.*.tmp*"):
        path.unlink(missing_ok=True)
    for path in warehouse.glob(f".{EXPORTS_LINK}.*.tmp"):
        path.unlink(missing_ok=True)
    for path in warehouse.glob(f"{EXPORTS_LINK}-*"):
        if path.name != current:
            shutil.rmtree(path, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
