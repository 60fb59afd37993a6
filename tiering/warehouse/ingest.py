"""Load a feed's new and changed landing files into its typed raw table; unusable rows are quarantined.

One transaction per feed and run: each new file, and each loaded file whose content changed since, is read; its
usable rows go to the load's rows and the others (wrong type, missing required value, broken row rule) to
quality.rejected_rows; then the rows whose key repeats within their file, or whose parent row does not exist (an
orphan), move to quarantine. A row whose key was loaded before, or comes again in a later file of the load, is
a version of it (sql/ingest/versions.sql): identical to the version before it, it is skipped; different, it is an
update, the newer file wins and quality.row_updates records it. The load is refused (nothing written to raw)
when more than the allowed share and more than the allowed count of its rows are rejected. It commits, with the
manifest (quality.loaded_files) and the audit (quality.load_audit), only if each file's rows read = new + updated
+ skipped + rejected and raw.<feed> grew by the new rows.

Before the new files, rows held in quarantine only as orphans by earlier runs whose parents have arrived since
(a parent feed loads first) are released: read back from their kept values through the same types, rules and
versions as a file's rows (older than the load's files), loaded, counted in the audit's rows_released and removed
from quarantine. A held row still without its parent, one that no longer passes the feed's checks, or one whose
key got a newer version in raw.<feed> meanwhile stays held; rows are held until their parent arrives (a full
reload clears them).
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
from tiering.warehouse.quality.row_checks import changed_columns, column_defs, record_fields, row_checks
from tiering.warehouse.sql import bound, render, run_sql, sql_text
from tiering.warehouse.tables import transaction

log = logging.getLogger(__name__)

READERS = {".csv": "ingest/read_csv", ".parquet": "ingest/read_parquet"}
DEFAULT_MAX_REJECTED_SHARE = 0.05
DEFAULT_MAX_REJECTED_ROWS = 100

__all__ = ["FeedLoad", "IngestError", "LoadOptions", "feed_files", "load_feed"]


@dataclass(frozen=True)
class LoadOptions:
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE
    max_rejected_rows: int = DEFAULT_MAX_REJECTED_ROWS
    full_reload: bool = False


@dataclass
class FeedLoad:
    feed: str
    run_id: str
    # loaded, unchanged (no new or changed file), absent (an optional feed without files), refused (too many
    # rejections), failed
    status: str = "loaded"
    files: list[str] = field(default_factory=list)
    files_unchanged: int = 0
    # the loaded files read again, each with when it was loaded
    changed: list[str] = field(default_factory=list)
    absent_columns: list[str] = field(default_factory=list)  # optional columns missing from a file read
    rows_read: int = 0
    rows_loaded: int = 0  # new rows and updates written to raw.<feed>
    rows_updated: int = 0
    rows_skipped: int = 0
    rows_rejected: int = 0
    rows_released: int = 0  # held as orphans by earlier runs, loaded now that their parent arrived (not read)
    warnings: list[str] = field(default_factory=list)
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    message: str | None = None

    @property
    def rows_held_back(self) -> int:
        """Usable rows not loaded because the feed was refused; they are read again by the next run."""
        return self.rows_read - self.rows_loaded - self.rows_skipped - self.rows_rejected


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
    """Load the files not loaded before and those changed since; refuse the feed above the rejection limits."""
    options = options or LoadOptions()
    result = FeedLoad(feed.name, options.run_id)
    try:
        with transaction(con):
            with _sha256_in_background(files) as digests:
                _prepare(con, feed, options.full_reload)
                _release_held(con, feed, result)
                new_files = _new_files(con, feed, digests, result)
                if new_files:
                    _load_new_files(con, feed, new_files, result, options)
                else:
                    result.status = "unchanged" if files else "absent"
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
    for count in (
        "rows_read",
        "rows_loaded",
        "rows_updated",
        "rows_skipped",
        "rows_rejected",
        "rows_released",
    ):
        setattr(result, count, 0)
    _quality_tables(con)
    _audit(con, feed, result)


def _prepare(con: duckdb.DuckDBPyConnection, feed: Feed, full_reload: bool) -> None:
    """Create the quality tables (rebuilding outdated ones) and the raw table; a feed with no loaded file
    (first run, full reload, or a database of an older version) starts from an empty raw table."""
    _quality_tables(con)
    loaded = con.execute(sql_text("ingest:loaded_files"), {"feed": feed.name}).fetchall()
    if full_reload or not loaded:
        run_sql(con, "ingest:drop_raw_table", feed=feed.name)
        for forget in (
            "ingest:forget_loaded_files",
            "ingest:forget_rejected_rows",
            "ingest:forget_row_updates",
        ):
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
    """The files not in the manifest (by name in the feed's folder), and those whose content changed since they
    were loaded, which are read again."""
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
                f"{path} changed since it was loaded on {loaded[path.name][1]:%Y-%m-%d %H:%M}: read again"
            )
            log.info(message)
            result.changed.append(message)
            new.append(_NewFile(path, sha256, path.stat().st_size))
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
    options: LoadOptions,
) -> None:
    """Inside the caller's transaction: each file's usable rows into the load's rows and the others into
    quarantine, then duplicates within a file and orphans moved to quarantine, and the versions sorted out;
    unless refused, the new rows and updates written to raw.<feed>."""
    run_sql(con, "ingest:create_batch", column_defs=column_defs(feed))
    rows_read = {str(f.path): _load_file(con, feed, seq, f, result) for seq, f in enumerate(new_files)}
    result.files = list(rows_read)
    _quarantine_duplicates_and_orphans(con, feed, result)
    identifiers = {"feed": feed.name, "key_columns": ", ".join(feed.key), "record": record_fields(feed)}
    run_sql(con, "ingest/versions", **identifiers)
    counts = _reconcile(con, feed, rows_read, result)
    _decide(result, options)
    if result.status == "refused":
        result.rows_loaded = result.rows_updated = result.rows_skipped = 0
        return
    _write_raw(con, feed, result, result.rows_loaded - result.rows_updated)
    result.warnings += _case_collisions(con, feed)
    _record_files(con, feed, new_files, counts, result.run_id)


def _write_raw(con: duckdb.DuckDBPyConnection, feed: Feed, result: FeedLoad, new_rows: int) -> None:
    """The updates recorded, the rows they replace deleted and the load's rows written to raw.<feed>, which
    must grow by exactly the `new_rows`."""
    (before,) = con.execute(render("ingest:raw_rows", feed=feed.name)).fetchone()
    sql = render(
        "ingest:record_updates",
        key_record=record_fields(feed, feed.key),
        changed_columns=changed_columns(feed),
    )
    con.execute(sql, _ids(result)).fetchall()
    key_match = " AND ".join(f"r.{k} = v.{k}" for k in feed.key)
    sql = render(
        "ingest:delete_replaced", feed=feed.name, key_columns=", ".join(feed.key), key_match=key_match
    )
    con.execute(sql).fetchall()
    con.execute(
        render("ingest:insert_loaded", feed=feed.name, columns=", ".join(feed.column_names))
    ).fetchall()
    (after,) = con.execute(render("ingest:raw_rows", feed=feed.name)).fetchone()
    if after - before != new_rows:
        raise IngestError(
            f"feed '{feed.name}': raw.{feed.name} grew by {after - before} rows, not by the {new_rows} new ones: "
            "nothing of the feed was loaded"
        )


def _case_collisions(con: duckdb.DuckDBPyConnection, feed: Feed) -> list[str]:
    """A warning when keys of this load differ from other keys of the feed only in case: they are kept apart, as
    the source wrote them (the key rule, Feed.text_of)."""
    text = [k for k in feed.key if feed.column(k).sql_type == "VARCHAR"]
    if not text:
        return []
    sql = render(
        "ingest:case_collisions",
        feed=feed.name,
        key_columns=", ".join(feed.key),
        has_lower=" OR ".join(f"{k} <> upper({k})" for k in text),
        same_folded=" AND ".join(
            f"lower(l.{k}) = lower(r.{k})" if k in text else f"l.{k} = r.{k}" for k in feed.key
        ),
        different=" OR ".join(f"l.{k} <> r.{k}" for k in text),
        l_record=", ".join(f"{k} := l.{k}" for k in feed.key),
        r_record=", ".join(f"{k} := r.{k}" for k in feed.key),
    )
    pairs, examples = con.execute(sql).fetchone()
    if not pairs:
        return []
    return [
        f"feed '{feed.name}': {pairs:,} pair(s) of keys differ only in case, e.g. {'; '.join(examples)}: "
        "they are kept as different keys, as the source wrote them (check the exports if they are one)"
    ]


def _release_held(con: duckdb.DuckDBPyConnection, feed: Feed, result: FeedLoad) -> None:
    """Load the rows held as orphans whose parents have all arrived, each held file as a file of its own (in the
    order they were held), through the checks and versions of the load's rows; they leave quarantine."""
    if not feed.parents:
        return
    orphan_reasons = {"feed": feed.name, "orphan_reasons": [p.reason for p in feed.parents]}
    con.execute(sql_text("ingest:held_rows"), orphan_reasons).fetchall()
    held = con.execute(sql_text("ingest:held_files")).fetchall()
    if not held:
        return
    run_sql(con, "ingest:create_batch", column_defs=column_defs(feed))
    columns = ", ".join(f"json_extract_string(raw_record, '$.\"{c}\"') AS {c}" for c in feed.column_names)
    checks = row_checks(feed, dict.fromkeys(feed.column_names, "VARCHAR"))
    for seq, source_file in held:
        con.execute(render("ingest:held_landing", columns=columns), {"seq": seq}).fetchall()
        run_sql(con, "ingest:held_landing_view")
        run_sql(con, "ingest:complete_landing", absent_columns="")
        con.execute(sql_text("ingest:add_batch_file"), {"seq": seq, "path": source_file}).fetchall()
        params = {**checks.read_params, **checks.rule_params, "source_file": source_file, "seq": seq}
        sql = render("ingest/usable_rows", **checks.identifiers)
        con.execute(sql, bound(sql, params)).fetchall()  # a row that no longer passes them stays held
    _flag_duplicates_and_orphans(con, feed)
    run_sql(con, "ingest:delete_flagged")  # still orphans: they stay held
    key_match = " AND ".join(f"w.{k} = r.{k}" for k in feed.key)
    sql = render("ingest:drop_superseded_held", feed=feed.name, key_match=key_match)
    con.execute(sql, {"feed": feed.name}).fetchall()
    con.execute(sql_text("ingest:release_held"), orphan_reasons).fetchall()
    identifiers = {"feed": feed.name, "key_columns": ", ".join(feed.key), "record": record_fields(feed)}
    run_sql(con, "ingest/versions", **identifiers)
    counts = con.execute(sql_text("ingest:file_counts"), _ids(result)).fetchall()
    result.rows_released = sum(new + updated + skipped for _, new, updated, skipped, _ in counts)
    _write_raw(con, feed, result, sum(new for _, new, *_ in counts))
    run_sql(con, "ingest:drop_batch")


def _reconcile(
    con: duckdb.DuckDBPyConnection, feed: Feed, rows_read: dict[str, int], result: FeedLoad
) -> dict[str, tuple[int, int, int, int]]:
    """Rows new, updated, skipped and rejected per file; each file's sum must be its rows read."""
    counts = {
        path: tuple(n) for path, *n in con.execute(sql_text("ingest:file_counts"), _ids(result)).fetchall()
    }
    for path, read in rows_read.items():
        new, updated, skipped, rejected = counts[path]
        if read != new + updated + skipped + rejected:
            raise IngestError(
                f"feed '{feed.name}': {path}: read {read} rows but found {new} new, {updated} updated, "
                f"{skipped} skipped and {rejected} rejected: nothing of the feed was loaded"
            )
    result.rows_read = sum(rows_read.values())
    result.rows_loaded = sum(new + updated for new, updated, _, _ in counts.values())
    result.rows_updated = sum(c[1] for c in counts.values())
    result.rows_skipped = sum(c[2] for c in counts.values())
    result.rows_rejected = sum(c[3] for c in counts.values())
    return counts


def _ids(result: FeedLoad) -> dict[str, str]:
    return {"feed": result.feed, "run_id": result.run_id}


def _load_file(
    con: duckdb.DuckDBPyConnection, feed: Feed, seq: int, new_file: _NewFile, result: FeedLoad
) -> int:
    """Read one file (its missing optional columns as NULL), add its usable rows to the load's rows and
    quarantine the others; the rows read."""
    path = new_file.path
    check_file(feed.name, path)
    try:
        _read_landing(con, path)
    except duckdb.Error as exc:
        raise IngestError(f"feed '{feed.name}': {path}: {duckdb_error_message(exc, path)}") from None
    present = dict(con.execute(sql_text("ingest:landing_columns")).fetchall())
    result.warnings += check_columns(feed, path, list(present))
    source_types = {name.lower(): sql_type.replace(" ", "").upper() for name, sql_type in present.items()}
    absent = [c.name for c in feed.columns if c.name not in source_types]
    result.absent_columns += [c for c in absent if c not in result.absent_columns]
    absent_columns = "".join(f", NULL::VARCHAR AS {c}" for c in absent)
    run_sql(con, "ingest:complete_landing", absent_columns=absent_columns)
    con.execute(sql_text("ingest:add_batch_file"), {"seq": seq, "path": str(path)}).fetchall()
    checks = row_checks(feed, source_types | dict.fromkeys(absent, "VARCHAR"))
    (rows_read,) = con.execute(sql_text("ingest:landing_rows")).fetchone()
    params = {**checks.read_params, **checks.rule_params, "source_file": str(path), "seq": seq}
    sql = render("ingest/usable_rows", **checks.identifiers)
    (rows_usable,) = con.execute(sql, bound(sql, params)).fetchone()
    if rows_usable < rows_read:
        sql = render("ingest/rejected_rows", **checks.identifiers)
        con.execute(sql, bound(sql, {**params, **checks.type_params, **_ids(result)})).fetchall()
    return rows_read


def _read_landing(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """The file as the view landing_read, its rows numbered from 1 in _tiers_row_number: a Parquet file by
    DuckDB's file_row_number, unless a column of the file takes that name; else read into a table and numbered by
    its rowid (ingest:number_landing)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        columns = {
            name
            for (name,) in con.execute(sql_text("ingest:parquet_columns"), {"path": str(path)}).fetchall()
        }
        if "file_row_number" not in columns:
            _run_reader(con, READERS[suffix], path)
            return
    _run_reader(con, READERS[suffix] if suffix == ".csv" else "ingest:read_parquet_table", path)
    names = [name for (name,) in con.execute(sql_text("ingest:landing_text_columns")).fetchall()]
    hidden = next((name for name in names if name.lower() == "rowid"), None)  # hides DuckDB's rowid
    if hidden:
        run_sql(con, "ingest:rename_landing_column", column=f'"{hidden}"', new_name="_tiers_rowid")
    run_sql(con, "ingest:number_landing", rename=f' RENAME (_tiers_rowid AS "{hidden}")' if hidden else "")


def _run_reader(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> None:
    """The statements of a reader's SQL, the first binding the file's path."""
    first, *rest = sql_text(name).split(";\n")
    con.execute(first, {"path": str(path)})
    for statement in rest:
        con.execute(statement)


def _quarantine_duplicates_and_orphans(con: duckdb.DuckDBPyConnection, feed: Feed, result: FeedLoad) -> None:
    """Move the rows of this load whose key repeats within their file, or whose parent row does not exist, to
    quarantine, each with its reasons in order: duplicates first, then each parent's orphans."""
    _flag_duplicates_and_orphans(con, feed)
    sql = render("ingest:quarantine_flagged", record=record_fields(feed))
    con.execute(sql, _ids(result)).fetchall()
    run_sql(con, "ingest:delete_flagged")


def _flag_duplicates_and_orphans(con: duckdb.DuckDBPyConnection, feed: Feed) -> None:
    """The rows of this load whose key repeats within their file or whose parent row does not exist
    (ingest_flags), each with its reasons."""
    key_columns = ", ".join(feed.key)
    run_sql(con, "ingest/flag_duplicates", key_columns=key_columns)
    for order, parent in enumerate(feed.parents, start=2):
        sql = render(
            "ingest:flag_orphans",
            feed=feed.name,
            column=parent.column,
            parent=parent.feed,
            parent_column=parent.feed_column,
        )
        con.execute(sql, {"order": order, "reason": parent.reason}).fetchall()
    run_sql(con, "ingest:collect_flags")


def _decide(result: FeedLoad, options: LoadOptions) -> None:
    """Refuse the whole load when more than the allowed share of the rows read, and more than the allowed
    number of rows, cannot be used; below either limit the bad rows stay quarantined and the load goes on."""
    share = result.rows_rejected / result.rows_read if result.rows_read else 0.0
    if share > options.max_rejected_share and result.rows_rejected > options.max_rejected_rows:
        result.status = "refused"
        result.message = (
            f"feed '{result.feed}': {result.rows_rejected:,} of {result.rows_read:,} rows read "
            f"({share:.1%}) cannot be used, more than the allowed {options.max_rejected_share:.1%} "
            f"(TIERS_MAX_REJECTED_SHARE) and {options.max_rejected_rows:,} rows (TIERS_MAX_REJECTED_ROWS): "
            "nothing was loaded and the files will be read again by the next run; see quality.rejected_rows "
            "(`tiers rejections`) for the reasons"
        )


def _record_files(
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    new_files: list[_NewFile],
    counts: dict[str, tuple[int, int, int, int]],
    run_id: str,
) -> None:
    """The manifest: each loaded file with its checksum and counts, so that it is read again only when its
    content changes."""
    for new_file in new_files:
        new, updated, skipped, rejected = counts[str(new_file.path)]
        con.execute(
            sql_text("ingest:record_file"),
            {
                "feed": feed.name,
                "file_name": new_file.path.name,
                "source_file": str(new_file.path),
                "sha256": new_file.sha256.result(),
                "size_bytes": new_file.size_bytes,
                "rows_read": new + updated + skipped + rejected,
                "rows_loaded": new + updated,
                "rows_rejected": rejected,
                "run_id": run_id,
                "rows_updated": updated,
                "rows_skipped": skipped,
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
            "rows_updated": result.rows_updated,
            "rows_skipped": result.rows_skipped,
            "rows_released": result.rows_released,
        },
    ).fetchall()
