"""Load a feed's new and changed landing files into its typed raw table; unusable rows are quarantined.

One transaction per feed and run: each new file, and each loaded file whose content changed since, is read (a loaded
file whose size and modification time are the manifest's is taken as unchanged unread, as make and rsync do; another
is hashed, and only restamped if its checksum is the same); its usable rows go to the load's rows and the others
(wrong type, missing required value, broken row rule) to quality.rejected_rows; then the rows whose key repeats
within their file, or whose parent row does not exist (an orphan), move to quarantine. A row whose key was loaded
before, or comes again in a later file of the load, is a version of it (sql/ingest/versions.sql): identical to the
version before it, it is skipped; different, it is an update, the newer file wins and quality.row_updates records it.
The files are read in batches of about TIERS_INGEST_BATCH_MB, each written to raw.<feed> before the next is read,
which then meets it as it meets an earlier run's rows (so a first load of hundreds of millions of rows never holds
them all in memory; on disk it does, as the feed's one transaction keeps each batch's scratch tables until it
commits). The load is refused (nothing written to raw) when more than the allowed share and more than the allowed
count of its rows are rejected; a refused load of several batches is rolled back and read again for its rejections
alone. It commits, with the manifest (quality.loaded_files) and the audit (quality.load_audit), only if each file's
rows read = new + updated + skipped + rejected, each file's rows read by DuckDB are the rows counted apart from it (a
CSV file's records by a scan of its bytes, a Parquet file's from its footer) and raw.<feed> grew by the new rows.

A file is loaded only once it has stopped changing: one changed within the settle window (TIERS_FILE_SETTLE_SECONDS)
is looked at again after it, and one that changed meanwhile, or while it was read, is left for the next run with a
warning; the checksum recorded is of the bytes read. A file of the feed's folder that is not a landing file (.csv,
.csv.gz, .parquet) is not read, with a warning; hidden files (a name starting with '.') are left alone.

Before the new files, rows held in quarantine only as orphans by earlier runs whose parents have arrived since
(a parent feed loads first) are released: read back from their kept values through the same types, rules and
versions as a file's rows (older than the load's files), loaded, counted in the audit's rows_released and removed
from quarantine. A held row still without its parent, one that no longer passes the feed's checks, or one whose
key got a newer version in raw.<feed> meanwhile stays held; rows are held until their parent arrives (a full
reload clears them).
"""

import hashlib
import logging
import time
import uuid
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from tiering.feeds import FEEDS, Feed
from tiering.warehouse.quality.files import (
    IngestError,
    check_columns,
    check_file,
    csv_records,
    duckdb_error_message,
    landing_format,
)
from tiering.warehouse.quality.row_checks import changed_columns, column_defs, record_fields, row_checks
from tiering.warehouse.sql import bound, literal, render, run_each, run_sql, sql_text
from tiering.warehouse.tables import transaction

log = logging.getLogger(__name__)

READERS = {".csv": "ingest/read_csv", ".csv.gz": "ingest/read_csv", ".parquet": "ingest/read_parquet"}
CHUNK_BYTES = 1 << 20
DEFAULT_MAX_REJECTED_SHARE = 0.05
DEFAULT_MAX_REJECTED_ROWS = 100
DEFAULT_BATCH_MB = 1024

__all__ = ["FeedLoad", "IngestError", "LoadOptions", "feed_files", "load_feed"]


@dataclass(frozen=True)
class LoadOptions:
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE
    max_rejected_rows: int = DEFAULT_MAX_REJECTED_ROWS
    full_reload: bool = False
    # a file changed less than this many seconds ago is looked at again after that long; the run's own value is
    # TIERS_FILE_SETTLE_SECONDS, a caller that writes its files before loading them needs no wait
    settle_seconds: float = 0.0
    # the files read before their rows are written to raw (at least one): TIERS_INGEST_BATCH_MB
    batch_bytes: int = DEFAULT_BATCH_MB << 20


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
    load_id: int | None = None  # written on the raw rows of this load (raw.<feed>._load_id)
    warnings: list[str] = field(default_factory=list)
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    message: str | None = None

    @property
    def rows_held_back(self) -> int:
        """Usable rows not loaded because the feed was refused; they are read again by the next run."""
        return self.rows_read - self.rows_loaded - self.rows_skipped - self.rows_rejected


@dataclass(frozen=True)
class _Digest:
    sha256: str
    records: int | None = None  # counted apart from DuckDB; None: not counted (a file loaded before)
    damaged: bool = False  # could not be counted


Stamp = tuple[int, int]  # a file's size and modification time (ns): it changed when they did


@dataclass(frozen=True)
class _NewFile:
    path: Path
    digest: Future[_Digest]
    stamp: Stamp


@dataclass(frozen=True)
class _LoadedFile:
    """A file of the manifest, quality.loaded_files."""

    sha256: str
    loaded_at: datetime
    stamp: Stamp | None  # None: recorded by a version before stamps (hashed once, then restamped)


class _Refused(Exception):
    """A load of several batches found above the rejection limits once the earlier batches were in raw."""


class _ChangedWhileRead(Exception):
    """Files whose size or modification time changed while the load read them."""

    def __init__(self, paths: list[Path]):
        self.paths = paths


def feed_files(landing_dir: Path, feed: Feed) -> list[Path]:
    """The entries of the feed's folder in name order, but hidden ones (a name starting with '.': editors and
    sync tools leave such files); load_feed reads the landing files (.csv, .csv.gz, .parquet) and warns about
    the others. A missing required folder, or one without a landing file, is an error."""
    folder = landing_dir / feed.name
    if not folder.is_dir():
        if feed.optional:
            return []
        raise IngestError(f"feed '{feed.name}': folder {folder} does not exist")
    files = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    for path in files:
        if not path.resolve().is_relative_to(folder.resolve()):
            raise IngestError(f"feed '{feed.name}': {path} points outside {folder}; refused")
    if not feed.optional and not any(_not_read(p) is None for p in files):
        others = f" ({len(files)} other file(s), not read)" if files else ""
        raise IngestError(f"feed '{feed.name}': no .csv, .csv.gz or .parquet file in {folder}{others}")
    return files


def _not_read(path: Path) -> str | None:
    """Why an entry of a feed's folder is not read, or None for a landing file."""
    if not path.is_file():
        return f"{path}: not read: not a file (a feed's files are read from its folder, not from sub-folders)"
    if landing_format(path):
        return None
    if landing_format(path.with_name(path.name.strip())):
        return f"'{path}': not read: its name begins or ends with a space; rename it to '{path.name.strip()}'"
    return f"{path}: not read: only .csv, .csv.gz and .parquet files are loaded; convert or rename it, or move it"


def _settled(paths: list[Path], seconds: float) -> tuple[dict[Path, Stamp], list[Path]]:
    """Each file's stamp, and the files still being written: those changed less than `seconds` ago are looked
    at again once that long has passed for the newest of them (one wait for all), and left out if they changed."""
    stamps = {path: _stamp(path) for path in paths}
    now = time.time_ns()
    fresh = [path for path, (_, mtime) in stamps.items() if now - mtime < seconds * 1e9]
    if not fresh:
        return stamps, []
    wait = min(seconds - (now - max(stamps[path][1] for path in fresh)) / 1e9, seconds)
    log.info(
        f"{len(fresh)} landing file(s) changed in the last {seconds:g} s: looked at again in {wait:.1f} s"
    )
    time.sleep(wait)
    busy = [path for path in fresh if _stamp(path) != stamps[path]]
    return {path: stamp for path, stamp in stamps.items() if path not in busy}, busy


def _stamp(path: Path) -> Stamp:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _being_written(path: Path) -> str:
    return f"{path}: not read: it was still being written (it changed during the load); the next run reads it"


def load_feed(
    con: duckdb.DuckDBPyConnection, feed: Feed, files: list[Path], options: LoadOptions | None = None
) -> FeedLoad:
    """Load the landing files of `files` not loaded before and those changed since, once they have stopped
    changing; refuse the feed above the rejection limits."""
    options = options or LoadOptions()
    not_read = {path: _not_read(path) for path in files}
    skipped = [message for message in not_read.values() if message]
    stamps, busy = _settled([p for p, why in not_read.items() if why is None], options.settle_seconds)
    write = True
    while True:
        result = FeedLoad(feed.name, options.run_id)
        result.warnings += skipped + [_being_written(path) for path in busy]
        try:
            _load_once(con, feed, stamps, result, options, write)
            break
        except _ChangedWhileRead as exc:  # rolled back: loaded again without them
            write = True
            busy += exc.paths
            stamps = {path: stamp for path, stamp in stamps.items() if path not in exc.paths}
        except _Refused:  # rolled back: read again for the rejections, writing nothing to raw
            write = False
    if result.rows_rejected:
        rejected = con.execute(sql_text("ingest:rejections_by_reason"), _ids(result)).fetchall()
        result.rejected_by_reason = dict(rejected)
    return result


def _load_once(
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    stamps: dict[Path, Stamp],
    result: FeedLoad,
    options: LoadOptions,
    write: bool,
) -> None:
    try:
        with transaction(con):
            _prepare(con, feed, options.full_reload)
            (result.load_id,) = con.execute(sql_text("ingest:next_load_id")).fetchone()
            _release_held(con, feed, result)
            loaded = {
                name: _LoadedFile(sha, at, None if mtime is None else (size, mtime))
                for name, sha, at, size, mtime in con.execute(
                    sql_text("ingest:loaded_files"), {"feed": feed.name}
                ).fetchall()
            }
            to_check = [path for path, stamp in stamps.items() if _stamp_of(loaded, path) != stamp]
            with _digests_in_background(to_check, set(loaded)) as digests:
                new_files, restamped = _new_files(loaded, digests, stamps, result)
                result.files_unchanged = len(stamps) - len(new_files)
                for path in restamped:
                    _restamp(con, feed, path, stamps[path])
                if new_files:
                    _load_new_files(con, feed, new_files, stamps, result, options, write)
                else:
                    result.status = "unchanged" if stamps else "absent"
            _audit(con, feed, result)
    except IngestError as exc:  # rolled back: the audit says why nothing was loaded
        _record_failure(con, feed, result, str(exc))
        raise
    finally:
        run_sql(con, "ingest:drop_batch")


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
        for column, sql_type in (*((c.name, c.sql_type) for c in table_feed.columns), ("_load_id", "BIGINT")):
            run_sql(con, "ingest:add_raw_column", feed=table_feed.name, column=column, sql_type=sql_type)


def _quality_tables(con: duckdb.DuckDBPyConnection) -> None:
    for (table,) in con.execute(sql_text("ingest:outdated_quality_tables")).fetchall():
        run_sql(con, "ingest:drop_quality_table", table=table)
    run_sql(con, "ingest/quality_tables")


def _stamp_of(loaded: dict[str, _LoadedFile], path: Path) -> Stamp | None:
    return loaded[path.name].stamp if path.name in loaded else None


def _new_files(
    loaded: dict[str, _LoadedFile],
    digests: dict[Path, Future[_Digest]],
    stamps: dict[Path, Stamp],
    result: FeedLoad,
) -> tuple[list[_NewFile], list[Path]]:
    """Of the files whose stamp is not the manifest's: those not in the manifest `loaded` (by name in the feed's
    folder) and those whose content changed since they were loaded, which are read; and those whose content is
    the same (touched, copied), which are only restamped."""
    new, restamped = [], []
    for path, digest in digests.items():
        if path.name not in loaded:
            new.append(_NewFile(path, digest, stamps[path]))
        elif loaded[path.name].sha256 == digest.result().sha256:
            restamped.append(path)
        else:
            message = f"{path} changed since it was loaded on {loaded[path.name].loaded_at:%Y-%m-%d %H:%M}: read again"
            log.info(message)
            result.changed.append(message)
            new.append(_NewFile(path, digest, stamps[path]))
    return new, restamped


def _restamp(con: duckdb.DuckDBPyConnection, feed: Feed, path: Path, stamp: Stamp) -> None:
    size_bytes, modified_ns = stamp
    con.execute(
        sql_text("ingest:restamp_file"),
        {"feed": feed.name, "file_name": path.name, "size_bytes": size_bytes, "modified_ns": modified_ns},
    ).fetchall()


@contextmanager
def _digests_in_background(files: list[Path], loaded: set[str]) -> Iterator[dict[Path, Future[_Digest]]]:
    """Each file's sha256, computed in a thread while DuckDB loads (hashlib and zlib release the GIL), with its
    records for a file not loaded before (one loaded before is mostly unchanged: counted only when read again);
    the ones not needed in the end (a refused or failed load) are not computed."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256") as pool:
        digests = {path: pool.submit(_digest, path, path.name not in loaded) for path in files}
        try:
            yield digests
        finally:
            for digest in digests.values():
                digest.cancel()


def _digest(path: Path, count: bool) -> _Digest:
    """The file's sha256, and if `count` its records counted apart from DuckDB in the same pass: a CSV file's by
    a scan of its (decompressed) bytes, a Parquet file's from its footer."""
    sha256 = hashlib.sha256()
    landing = landing_format(path)
    records, damaged = None, False
    with path.open("rb") as handle:
        chunks = _hashed(iter(lambda: handle.read(CHUNK_BYTES), b""), sha256)
        try:
            if count and landing == ".parquet":
                records = _parquet_records(path, chunks)
            elif count:
                records = csv_records(_gunzipped(chunks) if landing == ".csv.gz" else chunks)
        except (OSError, ValueError, zlib.error):  # damaged: DuckDB's reading says how
            damaged = True
        for _ in chunks:  # the rest of the file, hashed
            pass
    return _Digest(sha256.hexdigest(), records, damaged)


def _hashed(chunks: Iterable[bytes], sha256) -> Iterator[bytes]:
    for chunk in chunks:
        sha256.update(chunk)
        yield chunk


def _gunzipped(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The bytes of a gzip stream, members one after another (as gzip and DuckDB read them)."""
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
    for chunk in chunks:
        while chunk:
            yield inflate.decompress(chunk)
            if not inflate.eof:
                break
            chunk = inflate.unused_data
            inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
    yield inflate.flush()


def _parquet_records(path: Path, chunks: Iterator[bytes]) -> int:
    """A Parquet file's rows as its footer gives them (read through the file's own handle: no pattern)."""
    import pyarrow.parquet as pq
    from pyarrow import ArrowException

    for _ in chunks:  # hashed first: the footer is read from the same bytes' end
        pass
    try:
        with path.open("rb") as handle:
            return pq.ParquetFile(handle).metadata.num_rows
    except ArrowException as exc:
        raise ValueError(str(exc)) from None


def _load_new_files(
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    new_files: list[_NewFile],
    stamps: dict[Path, Stamp],
    result: FeedLoad,
    options: LoadOptions,
    write: bool,
) -> None:
    """Inside the caller's transaction, batch after batch: each file's usable rows into the batch's rows and the
    others into quarantine, then duplicates within a file and orphans moved to quarantine, and the versions sorted
    out against raw.<feed>; each batch but the last written to raw.<feed> (when `write`) before the next is read,
    the last unless the load is refused (_Refused when earlier batches are in raw)."""
    batches = list(_batches(new_files, options.batch_bytes))
    counts: dict[str, tuple[int, int, int, int]] = {}
    for number, batch in enumerate(batches, start=1):
        run_sql(con, "ingest:create_batch", column_defs=column_defs(feed))
        rows_read = {str(f.path): _load_file(con, feed, seq, f, result) for seq, f in enumerate(batch)}
        _check_read(feed, batch, stamps, rows_read)
        _quarantine_duplicates_and_orphans(con, feed, result)
        _sort_versions(con, feed)
        batch_counts = _reconcile(con, feed, rows_read, result)
        counts |= batch_counts
        if number < len(batches) and write:
            _write_raw(con, feed, result, batch_counts)
    _count(result, counts)
    _decide(result, options)
    if result.status == "refused":
        if write and len(batches) > 1:
            raise _Refused
        result.rows_loaded = result.rows_updated = result.rows_skipped = 0
        return
    _write_raw(con, feed, result, batch_counts)
    result.warnings += _case_collisions(con, feed, result.load_id)
    _record_files(con, feed, new_files, counts, result.run_id)


def _batches(files: list[_NewFile], most_bytes: int) -> Iterator[list[_NewFile]]:
    """The files in load order, in runs of at most `most_bytes` (a larger file on its own)."""
    batch: list[_NewFile] = []
    for new_file in files:
        if batch and sum(f.stamp[0] for f in batch) + new_file.stamp[0] > most_bytes:
            yield batch
            batch = []
        batch.append(new_file)
    if batch:
        yield batch


def _sort_versions(con: duckdb.DuckDBPyConnection, feed: Feed) -> None:
    """Which of the load's rows are new, updates or unchanged re-sends of a key (sql/ingest/versions.sql)."""
    identifiers = {"feed": feed.name, "key_columns": ", ".join(feed.key), "record": record_fields(feed)}
    run_sql(con, "ingest/versions", **identifiers)


def _write_raw(
    con: duckdb.DuckDBPyConnection, feed: Feed, result: FeedLoad, counts: dict[str, tuple[int, int, int, int]]
) -> None:
    """The updates recorded, the rows they replace deleted and the batch's rows written to raw.<feed>, which
    must grow by exactly the batch's new rows (`counts`: new, updated, skipped and rejected per file)."""
    new_rows = sum(new for new, *_ in counts.values())
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
    run_sql(con, "ingest:delete_not_kept")
    source_files = [path for (path,) in con.execute(sql_text("ingest:batch_files")).fetchall()]
    sql = render("ingest:insert_loaded", feed=feed.name, columns=", ".join(feed.column_names))
    con.execute(sql, {"source_files": source_files, "load_id": result.load_id}).fetchall()
    (after,) = con.execute(render("ingest:raw_rows", feed=feed.name)).fetchone()
    if after - before != new_rows:
        raise IngestError(
            f"feed '{feed.name}': raw.{feed.name} grew by {after - before} rows, not by the {new_rows} new ones: "
            "nothing of the feed was loaded"
        )


def _check_read(
    feed: Feed, new_files: list[_NewFile], stamps: dict[Path, Stamp], rows_read: dict[str, int]
) -> None:
    """Every file unchanged since it was listed, now that DuckDB and the checksum have read it (else
    _ChangedWhileRead), and read by DuckDB as the rows counted apart from it."""
    digests = {f.path: f.digest.result() for f in new_files}
    for path, digest in digests.items():
        if digest.records is None and not digest.damaged:  # a file read again: counted now
            digests[path] = _digest(path, count=True)
    changed = [path for path in digests if _stamp(path) != stamps[path]]
    if changed:
        raise _ChangedWhileRead(changed)
    for path, digest in digests.items():
        read = rows_read[str(path)]
        if digest.records is None or digest.records != read:
            counted = "could not be counted" if digest.records is None else f"counted {digest.records}"
            raise IngestError(
                f"feed '{feed.name}': {path}: DuckDB read {read} rows but the file's records {counted}: nothing "
                "of the feed was loaded; check the file (a line that is not a record?)"
            )


def _case_collisions(con: duckdb.DuckDBPyConnection, feed: Feed, load_id: int) -> list[str]:
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
    pairs, examples = con.execute(sql, {"load_id": load_id}).fetchone()
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
    _sort_versions(con, feed)
    counts = {
        path: tuple(n) for path, *n in con.execute(sql_text("ingest:file_counts"), _ids(result)).fetchall()
    }
    result.rows_released = sum(new + updated + skipped for new, updated, skipped, _ in counts.values())
    _write_raw(con, feed, result, counts)
    run_sql(con, "ingest:drop_batch")


def _reconcile(
    con: duckdb.DuckDBPyConnection, feed: Feed, rows_read: dict[str, int], result: FeedLoad
) -> dict[str, tuple[int, int, int, int]]:
    """Rows new, updated, skipped and rejected per file of the batch; each file's sum must be its rows read."""
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
    return counts


def _count(result: FeedLoad, counts: dict[str, tuple[int, int, int, int]]) -> None:
    """The load's rows read, loaded, updated, skipped and rejected: the sums of its files' `counts`."""
    result.files = list(counts)
    result.rows_read = sum(sum(c) for c in counts.values())
    result.rows_loaded = sum(new + updated for new, updated, _, _ in counts.values())
    result.rows_updated = sum(c[1] for c in counts.values())
    result.rows_skipped = sum(c[2] for c in counts.values())
    result.rows_rejected = sum(c[3] for c in counts.values())


def _ids(result: FeedLoad) -> dict[str, str]:
    return {"feed": result.feed, "run_id": result.run_id}


def _load_file(
    con: duckdb.DuckDBPyConnection, feed: Feed, seq: int, new_file: _NewFile, result: FeedLoad
) -> int:
    """Read one file (its missing optional columns as NULL; by its literal path, never as a pattern), add its
    usable rows to the load's rows and quarantine the others; the rows read."""
    path = new_file.path
    check_file(feed.name, path)
    try:
        source = literal(path)
    except ValueError as exc:
        raise IngestError(f"feed '{feed.name}': {path}: {exc}") from None
    try:
        _read_landing(con, path, source)
    except duckdb.Error as exc:
        message = duckdb_error_message(exc, path).replace(source, str(path))
        raise IngestError(f"feed '{feed.name}': {path}: {message}") from None
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


def _read_landing(con: duckdb.DuckDBPyConnection, path: Path, source: str) -> None:
    """The file (read at `source`, its literal path) as the view landing_read, its rows numbered from 1 in
    _tiers_row_number: a Parquet file by DuckDB's file_row_number, unless a column of the file takes that name;
    else read into a table and numbered by its rowid (ingest:number_landing)."""
    landing = landing_format(path)
    params = {"path": source, "compression": "gzip" if landing == ".csv.gz" else "none"}
    if landing == ".parquet":
        columns = {
            name for (name,) in con.execute(sql_text("ingest:parquet_columns"), {"path": source}).fetchall()
        }
        if "file_row_number" not in columns:
            run_each(con, READERS[landing], params)
            return
    run_each(con, "ingest:read_parquet_table" if landing == ".parquet" else READERS[landing], params)
    names = [name for (name,) in con.execute(sql_text("ingest:landing_text_columns")).fetchall()]
    hidden = next((name for name in names if name.lower() == "rowid"), None)  # hides DuckDB's rowid
    if hidden:
        run_sql(con, "ingest:rename_landing_column", column=f'"{hidden}"', new_name="_tiers_rowid")
    run_sql(con, "ingest:number_landing", rename=f' RENAME (_tiers_rowid AS "{hidden}")' if hidden else "")


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
                "sha256": new_file.digest.result().sha256,
                "size_bytes": new_file.stamp[0],
                "rows_read": new + updated + skipped + rejected,
                "rows_loaded": new + updated,
                "rows_rejected": rejected,
                "run_id": run_id,
                "rows_updated": updated,
                "rows_skipped": skipped,
                "modified_ns": new_file.stamp[1],
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
            "load_id": result.load_id,
        },
    ).fetchall()
