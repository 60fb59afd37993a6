"""Load a feed's new landing files into its typed raw table, each file once; unusable rows are quarantined.

One transaction per feed and run: each new file's usable rows go to raw.<feed> and the others (wrong type,
missing value, broken row rule) to quality.rejected_rows; then the rows of this load with a key loaded before or
repeated, or whose parent row does not exist (an orphan), move from raw to quarantine. It commits, with the
manifest (quality.loaded_files) and the audit (quality.load_audit), only if rows read = loaded + rejected.
"""

import hashlib
import logging
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tiering.feeds import FEEDS, Feed
from tiering.warehouse.quality.files import IngestError, check_columns, check_file, duckdb_error_message
from tiering.warehouse.quality.row_checks import column_defs, record_fields, row_checks
from tiering.warehouse.sql import render, run_sql, sql_text
from tiering.warehouse.tables import transaction

log = logging.getLogger(__name__)

READERS = {".csv": "ingest/read_csv", ".parquet": "ingest/read_parquet"}
DEFAULT_MAX_REJECTED_SHARE = 0.05

__all__ = ["FeedLoad", "IngestError", "LoadOptions", "feed_files", "load_feed"]


@dataclass(frozen=True)
class LoadOptions:
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE
    full_reload: bool = False


@dataclass
class FeedLoad:
    feed: str
    run_id: str
    status: str = "loaded"  # loaded, unchanged (no new file), refused (too many rejections), failed
    files: list[str] = field(default_factory=list)
    files_unchanged: int = 0
    changed: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    warnings: list[str] = field(default_factory=list)
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    message: str | None = None

    @property
    def rows_held_back(self) -> int:
        """Usable rows not loaded because the feed was refused; they are read again by the next run."""
        return self.rows_read - self.rows_loaded - self.rows_rejected


@dataclass(frozen=True)
class _NewFile:
    path: Path
    sha256: Future[str]
    size_bytes: int


def feed_files(landing_dir: Path, feed: Feed) -> list[Path]:
    """The feed's CSV and Parquet files, in name order; a missing required folder is an error."""
    folder = landing_dir / feed.name
    if not folder.is_dir():
        if feed.optional:
            return []
        raise IngestError(f"feed '{feed.name}': folder {folder} does not exist")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in READERS)
    for path in files:
        if not path.resolve().is_relative_to(folder.resolve()):
            raise IngestError(f"feed '{feed.name}': {path} points outside {folder}; refused")
    if not files and not feed.optional:
        raise IngestError(f"feed '{feed.name}': no .csv or .parquet file in {folder}")
    return files


def load_feed(
    con: duckdb.DuckDBPyConnection, feed: Feed, files: list[Path], options: LoadOptions | None = None
) -> FeedLoad:
    """Load the files not loaded before; report changed ones; refuse the feed above the rejection limit."""
    options = options or LoadOptions()
    result = FeedLoad(feed.name, options.run_id)
    try:
        with transaction(con):
            with _sha256_in_background(files) as digests:
                _prepare(con, feed, options.full_reload)
                new_files = _new_files(con, feed, digests, result)
                if new_files:
                    _load_new_files(con, feed, new_files, result, options.max_rejected_share)
                else:
                    result.status = "unchanged"
            _audit(con, feed, result)
    except IngestError as exc:  # rolled back: the audit says why nothing was loaded
        _record_failure(con, feed, result, str(exc))
        raise
    finally:
        run_sql(con, "ingest:drop_batch")
    if result.rows_rejected:
        rejected = con.execute(sql_text("ingest:rejections_by_reason"), _ids(result)).fetchall()
        result.rejected_by_reason = dict(rejected)
    return result


def _record_failure(con: duckdb.DuckDBPyConnection, feed: Feed, result: FeedLoad, message: str) -> None:
    """After a rollback: an audit row saying why nothing of the feed was loaded."""
    result.status, result.message, result.files = "failed", message, []
    result.rows_read = result.rows_loaded = result.rows_rejected = 0
    _quality_tables(con)
    _audit(con, feed, result)


def _prepare(con: duckdb.DuckDBPyConnection, feed: Feed, full_reload: bool) -> None:
    """Create the quality tables (rebuilding outdated ones) and the raw table; a feed with no loaded file
    (first run, full reload, or a database of an older version) starts from an empty raw table."""
    _quality_tables(con)
    loaded = con.execute(sql_text("ingest:loaded_files"), {"feed": feed.name}).fetchall()
    if full_reload or not loaded:
        run_sql(con, "ingest:drop_raw_table", feed=feed.name)
        for forget in ("ingest:forget_loaded_files", "ingest:forget_rejected_rows"):
            con.execute(sql_text(forget), {"feed": feed.name}).fetchall()
    for table_feed in (feed, *(FEEDS[p.feed] for p in feed.parents)):
        run_sql(con, "ingest:create_raw_table", feed=table_feed.name, column_defs=column_defs(table_feed))


def _quality_tables(con: duckdb.DuckDBPyConnection) -> None:
    for (table,) in con.execute(sql_text("ingest:outdated_quality_tables")).fetchall():
        run_sql(con, "ingest:drop_quality_table", table=table)
    run_sql(con, "ingest/quality_tables")


def _new_files(
    con: duckdb.DuckDBPyConnection, feed: Feed, digests: dict[Path, Future[str]], result: FeedLoad
) -> list[_NewFile]:
    """The files not in the manifest (by name in the feed's folder); a loaded file whose content changed since
    is reported, not reloaded."""
    loaded = {
        path: (sha, at)
        for path, sha, at in con.execute(sql_text("ingest:loaded_files"), {"feed": feed.name}).fetchall()
    }
    new = []
    for path, sha256 in digests.items():
        if path.name not in loaded:
            new.append(_NewFile(path, sha256, path.stat().st_size))
        elif loaded[path.name][0] == sha256.result():
            result.files_unchanged += 1
        else:
            message = (
                f"{path} changed after it was loaded on {loaded[path.name][1]:%Y-%m-%d %H:%M}; "
                "it is not loaded again (run `tiers run --full-reload` to reload every file)"
            )
            log.warning(message)
            result.changed.append(message)
    return new


@contextmanager
def _sha256_in_background(files: list[Path]) -> Iterator[dict[Path, Future[str]]]:
    """Each file's sha256, computed in a thread while DuckDB loads (hashlib releases the GIL); the ones not
    needed in the end (a refused or failed load) are not computed."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256") as pool:
        digests = {path: pool.submit(_sha256, path) for path in files}
        try:
            yield digests
        finally:
            for digest in digests.values():
                digest.cancel()


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _load_new_files(
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    new_files: list[_NewFile],
    result: FeedLoad,
    max_rejected_share: float,
) -> None:
    """Inside the caller's transaction: each file's usable rows into raw.<feed> and the others into
    quarantine, then duplicates and orphans moved from raw to quarantine; refused above the limit."""
    run_sql(con, "ingest:create_batch")
    rows_read = {str(f.path): _load_file(con, feed, seq, f, result) for seq, f in enumerate(new_files)}
    result.files = list(rows_read)
    _quarantine_duplicates_and_orphans(con, feed, result)
    counts = _reconcile(con, feed, rows_read, result)
    _decide(result, max_rejected_share)
    if result.status == "refused":
        con.execute(render("ingest:unload_batch", feed=feed.name)).fetchall()
        result.rows_loaded = 0
    else:
        _record_files(con, feed, new_files, counts, result.run_id)


def _reconcile(
    con: duckdb.DuckDBPyConnection, feed: Feed, rows_read: dict[str, int], result: FeedLoad
) -> dict[str, tuple[int, int]]:
    """Rows loaded and rejected per file, counted in the tables; each file's sum must be its rows read."""
    sql = render("ingest:file_counts", feed=feed.name)
    counts = {
        path: (loaded, rejected) for path, loaded, rejected in con.execute(sql, _ids(result)).fetchall()
    }
    for path, read in rows_read.items():
        loaded, rejected = counts[path]
        if read != loaded + rejected:
            raise IngestError(
                f"feed '{feed.name}': {path}: read {read} rows but loaded {loaded} and rejected {rejected}: "
                "nothing of the feed was loaded"
            )
    result.rows_read = sum(rows_read.values())
    result.rows_loaded = sum(loaded for loaded, _ in counts.values())
    result.rows_rejected = sum(rejected for _, rejected in counts.values())
    return counts


def _ids(result: FeedLoad) -> dict[str, str]:
    return {"feed": result.feed, "run_id": result.run_id}


def _load_file(
    con: duckdb.DuckDBPyConnection, feed: Feed, seq: int, new_file: _NewFile, result: FeedLoad
) -> int:
    """Read one file, insert its usable rows into raw.<feed> and quarantine the others; the rows read."""
    path = new_file.path
    check_file(feed.name, path)
    try:
        first, *rest = sql_text(READERS[path.suffix.lower()]).split(";\n")
        con.execute(first, {"path": str(path)})
        for statement in rest:
            con.execute(statement)
    except duckdb.Error as exc:
        raise IngestError(f"feed '{feed.name}': {path}: {duckdb_error_message(exc, path)}") from None
    present = dict(con.execute(sql_text("ingest:landing_columns")).fetchall())
    result.warnings += check_columns(feed, path, list(present))
    con.execute(sql_text("ingest:add_batch_file"), {"seq": seq, "path": str(path)}).fetchall()
    source_types = {name.lower(): sql_type.replace(" ", "").upper() for name, sql_type in present.items()}
    checks = row_checks(feed, source_types)
    (rows_read,) = con.execute(sql_text("ingest:landing_rows")).fetchone()
    params = {**checks.rule_params, "source_file": str(path)}
    (rows_usable,) = con.execute(render("ingest/usable_rows", **checks.identifiers), params).fetchone()
    if rows_usable < rows_read:
        sql = render("ingest/rejected_rows", **checks.identifiers)
        con.execute(sql, {**params, **checks.type_params, **_ids(result)}).fetchall()
    return rows_read


def _quarantine_duplicates_and_orphans(con: duckdb.DuckDBPyConnection, feed: Feed, result: FeedLoad) -> None:
    """Move the rows of this load whose key was loaded before or repeats, or whose parent row does not exist,
    from raw.<feed> to quarantine, each with its reasons in order: duplicates first, then each parent's orphans."""
    key_columns = ", ".join(feed.key)
    run_sql(con, "ingest/flag_duplicates", feed=feed.name, key_columns=key_columns)
    for order, parent in enumerate(feed.parents, start=3):
        sql = render(
            "ingest:flag_orphans",
            feed=feed.name,
            column=parent.column,
            parent=parent.feed,
            parent_column=parent.feed_column,
        )
        con.execute(sql, {"order": order, "reason": parent.reason}).fetchall()
    run_sql(con, "ingest:collect_flags")
    sql = render("ingest:quarantine_flagged", feed=feed.name, record=record_fields(feed))
    con.execute(sql, _ids(result)).fetchall()
    con.execute(render("ingest:delete_flagged", feed=feed.name)).fetchall()


def _decide(result: FeedLoad, max_rejected_share: float) -> None:
    """Refuse the whole load when more than the allowed share of the rows read cannot be used."""
    share = result.rows_rejected / result.rows_read if result.rows_read else 0.0
    if share > max_rejected_share:
        result.status = "refused"
        result.message = (
            f"feed '{result.feed}': {result.rows_rejected:,} of {result.rows_read:,} rows read "
            f"({share:.1%}) cannot be used, more than the allowed {max_rejected_share:.1%}: nothing was "
            "loaded and the files will be read again by the next run; see quality.rejected_rows "
            "(`tiers rejections`) for the reasons"
        )


def _record_files(
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    new_files: list[_NewFile],
    counts: dict[str, tuple[int, int]],
    run_id: str,
) -> None:
    """The manifest: each loaded file with its checksum and counts, so that it is never loaded again."""
    for new_file in new_files:
        loaded, rejected = counts[str(new_file.path)]
        con.execute(
            sql_text("ingest:record_file"),
            {
                "feed": feed.name,
                "file_name": new_file.path.name,
                "source_file": str(new_file.path),
                "sha256": new_file.sha256.result(),
                "size_bytes": new_file.size_bytes,
                "rows_read": loaded + rejected,
                "rows_loaded": loaded,
                "rows_rejected": rejected,
                "run_id": run_id,
            },
        ).fetchall()


def _audit(con: duckdb.DuckDBPyConnection, feed: Feed, result: FeedLoad) -> None:
    notes = [m for m in (result.message, *result.changed, *result.warnings) if m]
    con.execute(
        sql_text("ingest:record_audit"),
        {
            "feed": feed.name,
            "files": len(result.files),
            "rows_read": result.rows_read,
            "rows_loaded": result.rows_loaded,
            "rows_rejected": result.rows_rejected,
            "run_id": result.run_id,
            "status": result.status,
            "rows_held_back": result.rows_held_back,
            "files_unchanged": result.files_unchanged,
            "files_changed": len(result.changed),
            "message": "\n".join(notes) or None,
        },
    ).fetchall()
