"""Whole-file problems of a landing file, each reported with the file's path and what is wrong with it."""

import csv
import difflib
import re
from collections.abc import Iterable
from pathlib import Path

import duckdb

from tiering.feeds import Feed

PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
LANDING_FORMATS = (".csv", ".csv.gz", ".parquet")  # the files of a feed's folder that are read
SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive (an Excel workbook?)",
    GZIP_MAGIC: "gzip-compressed (name it .csv.gz)",
    b"\xff\xfe": "UTF-16 text",
    b"\xfe\xff": "UTF-16 text",
    PARQUET_MAGIC: "a Parquet file",
}
DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}
MAX_LINE_BYTES = 8 * 1024 * 1024  # the longest line of a CSV file (max_line_size in sql/ingest/read_csv.sql)


class IngestError(Exception):
    """A whole file or feed cannot be loaded; the message names the file and the problem."""


def landing_format(path: Path) -> str | None:
    """The landing format a file's name says (.csv, .csv.gz or .parquet, in any case), or None."""
    name = path.name.lower()
    return next((suffix for suffix in LANDING_FORMATS if name.endswith(suffix)), None)


def check_file(feed: str, path: Path) -> None:
    """Refuse a file that is empty, or whose bytes are not the format its name says."""
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"feed '{feed}': {path} is empty (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(max(size - 4, 0))
        tail = handle.read(4)
    landing = landing_format(path)
    if landing == ".parquet":
        if head != PARQUET_MAGIC:
            kind = _signature(head) or ("CSV text" if _is_text(head) else "not a Parquet file")
            raise IngestError(f"feed '{feed}': {path} is named .parquet but is {kind}")
        if tail != PARQUET_MAGIC:
            raise IngestError(f"feed '{feed}': {path} is truncated: a Parquet file ends with PAR1")
        return
    if landing == ".csv.gz":
        if not head.startswith(GZIP_MAGIC):
            kind = _signature(head) or ("CSV text" if _is_text(head) else "not gzip-compressed")
            raise IngestError(
                f"feed '{feed}': {path} is named .csv.gz but is {kind}; expected gzip-compressed CSV"
            )
        return
    kind = _signature(head)
    if kind:
        raise IngestError(f"feed '{feed}': {path} is named .csv but is {kind}; expected UTF-8 CSV text")


def csv_records(chunks: Iterable[bytes]) -> int:
    """The records after the header of a CSV text given in chunks, counted apart from the parser that loads it:
    a line break (LF, CRLF or CR) outside double quotes ends a record (a doubled quote inside a quoted value
    toggles twice), and a blank line is none (DuckDB skips it too)."""
    quoted = content = False  # inside quotes; the record under way has a byte other than a line break
    records = 0
    for chunk in chunks:
        for number, part in enumerate(chunk.split(b'"')):
            if number:
                quoted, content = not quoted, True
            if quoted or not part:
                continue
            lines = part.replace(b"\r", b"\n").split(b"\n")  # CRLF: a line and a blank one
            if len(lines) == 1:
                content = True
                continue
            inner = lines[1:-1]
            records += (content or bool(lines[0])) + len(inner) - inner.count(b"")
            content = bool(lines[-1])
    return max(records + content - 1, 0)


def _signature(head: bytes) -> str | None:
    return next((kind for signature, kind in SIGNATURES.items() if head.startswith(signature)), None)


def _is_text(head: bytes) -> bool:
    return all(32 <= b < 127 or b in b"\r\n\t" for b in head)


def check_columns(feed: Feed, path: Path, present: list[str]) -> list[str]:
    """Refuse a file lacking a required column (naming a likely rename or wrong delimiter); return warnings
    for unknown extra columns, which are ignored. An optional column may be missing."""
    found = {name.lower(): name for name in present}
    missing = [c.name for c in feed.columns if c.required and c.name not in found]
    extra = [name for key, name in found.items() if key not in feed.column_names]
    if missing:
        hints = _delimiter_hint(present) or _rename_hints(missing, extra)
        required = [c.name for c in feed.columns if c.required]
        raise IngestError(
            f"feed '{feed.name}': {path} lacks required column(s) {', '.join(missing)}; "
            f"required {', '.join(required)}, found {', '.join(present)}" + (f" ({hints})" if hints else "")
        )
    if not extra:
        return []
    hints = _rename_hints([c for c in feed.column_names if c not in found], extra)
    return [f"{path}: ignored unknown column(s) {', '.join(extra)}" + (f" ({hints})" if hints else "")]


def _delimiter_hint(present: list[str]) -> str | None:
    if len(present) != 1:
        return None
    for delimiter, name in DELIMITERS.items():
        if delimiter in present[0]:
            return f"the file is {name}-delimited; expected comma-separated values"
    return None


def _rename_hints(missing: list[str], extra: list[str]) -> str | None:
    pairs = []
    for column in missing:
        close = difflib.get_close_matches(column, extra, n=1, cutoff=0.5)
        if close:
            pairs.append(f"was {column} renamed to {close[0]}?")
        elif len(missing) == len(extra) == 1:
            pairs.append(f"was {column} renamed to {extra[0]}?")
    return "; ".join(pairs) or None


def duckdb_error_message(exc: duckdb.Error, path: Path) -> str:
    """DuckDB's reading error in words that say what to fix, without a traceback."""
    text = str(exc)
    if "Invalid unicode" in text or "UTF-8" in text:
        return "is not UTF-8 encoded; export it as UTF-8"
    if path.suffix.lower() == ".csv":
        size = re.search(r"Maximum line size of \d+ bytes exceeded\. Actual Size:\s*(\d+)", text)
        if size:
            return (
                f"a line is {int(size.group(1)):,} bytes long, more than the {MAX_LINE_BYTES:,} a line may hold: "
                "a value that large, or a quote left open"
            )
        return _csv_problem(path) or _mixed_line_endings(path) or text.strip().splitlines()[0]
    if "Footer" in text or "magic bytes" in text or "parquet" in text.lower():
        return "is not a readable Parquet file: it is damaged or truncated"
    return text.strip().splitlines()[0]


def _csv_problem(path: Path) -> str | None:
    """The first line whose field count differs from the header's, or a quote left open."""
    limit = csv.field_size_limit(MAX_LINE_BYTES)  # a long value is no problem of its own
    try:
        return _csv_rows_problem(path)
    finally:
        csv.field_size_limit(limit)


def _csv_rows_problem(path: Path) -> str | None:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = csv.reader(handle, strict=True)
        try:
            width = len(next(rows))
            for row in rows:
                if len(row) != width:
                    return (
                        f"line {rows.line_num} has {len(row)} field(s) where the header has {width}: the file "
                        "is truncated, or a value holds an unquoted comma"
                    )
        except csv.Error as exc:
            return f"line {rows.line_num}: {exc}: the file is truncated or badly quoted"
    return None


def _mixed_line_endings(path: Path) -> str | None:
    """The first line whose ending (CRLF or LF) differs from the header's: DuckDB cannot read such a file."""
    with path.open("rb") as handle:
        header_crlf = next(handle, b"").endswith(b"\r\n")
        for number, line in enumerate(handle, start=2):
            if line.endswith(b"\n") and line.endswith(b"\r\n") != header_crlf:
                ending, other = ("CRLF", "LF") if header_crlf else ("LF", "CRLF")
                return (
                    f"line {number} ends with {other} where the header ends with {ending}: the file mixes "
                    "Windows and Unix line endings; export it with one kind"
                )
    return None
