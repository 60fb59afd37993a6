"""The last run's load audit and rejections by feed and reason, for a data engineer at a terminal."""

from pathlib import Path

import duckdb

from tiering.warehouse.sql import sql_text


class UnknownRun(LookupError):
    """A run id asked for that loaded nothing recorded in quality.load_audit."""


def rejections_report(work_db: Path, run_id: str | None = None) -> str:
    """The audit and the rejections by feed and reason of the last run (or of run_id), as text; UnknownRun
    when run_id is given and no load of it is recorded."""
    if not work_db.is_file():
        if run_id is not None:
            raise UnknownRun(f"no run has loaded data yet ({work_db} does not exist), so none is {run_id}")
        return f"No run has loaded data yet: {work_db} does not exist."
    with duckdb.connect(str(work_db), read_only=True) as con:
        try:
            run = con.execute(sql_text("quality:last_run"), {"run_id": run_id}).fetchone()
        except duckdb.CatalogException:
            run = None
        if run is None and run_id is not None:
            raise UnknownRun(
                f"no load is recorded in quality.load_audit for run {run_id}: `tiers rejections` without --run "
                "shows the last run's"
            )
        if run is None:
            return "No load is recorded in quality.load_audit."
        audit = con.execute(sql_text("quality:run_audit"), {"run_id": run[0]}).fetchall()
        rejections = con.execute(sql_text("quality:run_rejections"), {"run_id": run[0]}).fetchall()
    return _format(run, audit, rejections)


def _format(run: tuple, audit: list[tuple], rejections: list[tuple]) -> str:
    lines = [
        f"Run {run[0]}, loaded {run[1]:%Y-%m-%d %H:%M:%S}",
        "",
        "Feed             status     files   read   loaded  (updated)  skipped  rejected  held back",
    ]
    for feed, status, files, read, loaded, updated, skipped, rejected, held, message, released in audit:
        lines.append(
            f"{feed:<16} {status:<9} {files:>5} {read:>7,} {loaded:>8,} {f'({updated:,})':>10} {skipped:>8,} "
            f"{rejected:>9,} {held:>10,}"
        )
        lines += [f"    {note}" for note in (message or "").splitlines()]
        if released:
            lines.append(
                f"    {released:,} row(s) held in quarantine for a late parent were loaded (left quarantine)"
            )
    if any(row[5] for row in audit):
        lines += [
            "",
            f"Rows replaced by a newer version: SELECT * FROM quality.row_updates WHERE run_id = '{run[0]}'",
        ]
    lines += ["", "Rejected rows by feed and reason:" if rejections else "No row was rejected."]
    for feed, reason, rows, first_row, first_record in rejections:
        lines.append(f"  {feed:<16} {rows:>7,}  {reason}")
        lines.append(f"      e.g. {first_row}: {first_record}")
    if rejections:
        lines += [
            "",
            "All of them: SELECT * FROM quality.rejected_rows WHERE run_id = '<run id>' (work.duckdb).",
        ]
    return "\n".join(lines)
