"""Load a landing feed's files into its typed raw table; rows that cannot be used go to quality.rejected_rows."""

import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tiering.feeds import Feed
from tiering.sql import render, run_sql

log = logging.getLogger(__name__)

READERS = {".csv": "ingest/read_csv_file", ".parquet": "ingest/read_parquet_file"}


class IngestError(Exception):
    """A whole file cannot be loaded; the message names the file and the problem."""


@dataclass
class FeedLoad:
    feed: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - self.rows_loaded


def feed_files(landing_dir: Path, feed: Feed) -> list[Path]:
    """The feed's CSV and Parquet files, in name order; a missing required folder is an error."""
    folder = landing_dir / feed.name
    if not folder.is_dir():
        if feed.optional:
            return []
        raise IngestError(f"feed '{feed.name}': folder {folder} does not exist")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in READERS)
    if not files and not feed.optional:
        raise IngestError(f"feed '{feed.name}': no .csv or .parquet file in {folder}")
    return files


def load_feed(con: duckdb.DuckDBPyConnection, feed: Feed, files: list[Path]) -> FeedLoad:
    """Rebuild raw.<feed> from the files; every row read is either loaded or quarantined with a reason."""
    run_sql(con, "ingest/create_quality_tables")
    column_defs = ", ".join(f"{c.name} {c.sql_type}" for c in feed.columns)
    run_sql(con, "ingest/reset_feed", feed=feed.name, column_defs=column_defs)
    result = FeedLoad(feed.name)
    for path in files:
        _load_file(con, feed, path, result)
    con.execute(
        render("ingest/record_audit"),
        {
            "feed": feed.name,
            "files": len(files),
            "rows_read": result.rows_read,
            "rows_loaded": result.rows_loaded,
            "rows_rejected": result.rows_rejected,
        },
    )
    return result


def _load_file(con: duckdb.DuckDBPyConnection, feed: Feed, path: Path, result: FeedLoad) -> None:
    try:
        first, *rest = render(READERS[path.suffix.lower()]).split(";\n")
        con.execute(first, {"path": str(path)})
        for statement in rest:
            con.execute(statement)
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0]
        raise IngestError(f"feed '{feed.name}': cannot read {path}: {first_line}") from None
    present = {row[0] for row in con.execute("SELECT column_name FROM (DESCRIBE landing_file)").fetchall()}
    present.discard("_row_number")
    missing = [c.name for c in feed.columns if c.name not in present]
    if missing:
        raise IngestError(
            f"feed '{feed.name}': {path} lacks column(s) {', '.join(missing)}; "
            f"expected {', '.join(feed.column_names)}, found {', '.join(sorted(present))}"
        )
    extra = sorted(present - set(feed.column_names))
    if extra:
        message = f"{path}: ignored unknown column(s) {', '.join(extra)}"
        log.warning(message)
        result.warnings.append(message)
    con.execute(render("ingest/check_rows", reason_terms=_reason_terms(feed)))
    params = {"source_file": str(path)}
    sql = render("ingest/insert_clean_rows", feed=feed.name, typed_columns=_typed_columns(feed))
    rows_loaded = con.execute(sql, params).fetchone()[0]
    record_fields = ", ".join(f"{c.name} := {c.name}" for c in feed.columns)
    sql = render("ingest/insert_rejected_rows", feed=feed.name, record_fields=record_fields)
    rows_rejected = con.execute(sql, params).fetchone()[0]
    rows_read = con.execute(render("ingest/count_rows")).fetchone()[0]
    if rows_read != rows_loaded + rows_rejected:
        raise IngestError(
            f"feed '{feed.name}': {path}: read {rows_read} rows but loaded {rows_loaded} "
            f"and rejected {rows_rejected}"
        )
    result.files.append(str(path))
    result.rows_read += rows_read
    result.rows_loaded += rows_loaded


def _typed_columns(feed: Feed) -> str:
    return ", ".join(f"TRY_CAST({c.name} AS {c.sql_type})" for c in feed.columns)


def _reason_terms(feed: Feed) -> str:
    """One SQL CASE per column that yields why the value is unusable, or NULL."""
    terms = []
    for c in feed.columns:
        bad_type = f"{c.name} IS NOT NULL AND TRY_CAST({c.name} AS {c.sql_type}) IS NULL"
        label = c.sql_type.split("(")[0].lower()
        terms.append(f"CASE WHEN {bad_type} THEN '{c.name}: not a valid {label}' END")
        if c.required:
            terms.append(f"CASE WHEN {c.name} IS NULL THEN '{c.name}: missing' END")
    return ", ".join(terms)
