"""The copy floor: every landing feed copied as is into a new DuckDB file, with the pipeline's DuckDB settings.

A first load reads every landing row and writes it into DuckDB; this is that write and nothing else: one
`CREATE TABLE <feed> AS SELECT * FROM read_parquet(<its files>)` per folder of the landing folder, into a new
database file opened with the pipeline's memory limit (TIERS_DUCKDB_MEMORY_LIMIT, which the harness passes) and
DuckDB's default threads, as the pipeline leaves them. No typing, quarantine, versions, staging or checks, so
what a first load costs above it is what those cost. The file is removed afterwards.

    python -m bench.copy_floor --landing DIR --database NEW_FILE --memory-limit 1GB

prints one JSON line: the rows copied per feed, the copy's seconds (closing the file included), the file's size
and DuckDB's threads.
"""

import argparse
import json
import time
from pathlib import Path

import duckdb


def copy(landing: Path, database: Path, memory_limit: str) -> dict:
    """Copy the Parquet files of every feed folder of `landing` into the new DuckDB file `database`, then remove
    it; the rows of each feed, the seconds, the file's MiB and DuckDB's threads. A landing folder that is not
    one, a feed folder without Parquet file or an existing `database` raises ValueError."""
    if not landing.is_dir():
        raise ValueError(f"{landing} is not a folder")
    feeds = {
        folder.name: sorted(str(p) for p in folder.glob("*.parquet") if not p.name.startswith("."))
        for folder in sorted(landing.iterdir())
        if folder.is_dir() and not folder.name.startswith(".")
    }
    empty = [name for name, files in feeds.items() if not files]
    if not feeds or empty:
        raise ValueError(
            f"{landing}: every feed folder needs Parquet files (none in: {', '.join(empty) or landing})"
        )
    if database.exists():
        raise ValueError(f"{database} exists: the copy floor writes a new file")
    rows = {}
    try:
        started = time.perf_counter()
        with duckdb.connect(str(database), config={"memory_limit": memory_limit}) as con:
            for name, files in feeds.items():
                table = name.replace('"', '""')
                statement = f'CREATE TABLE "{table}" AS SELECT * FROM read_parquet($files)'
                rows[name] = con.execute(statement, {"files": files}).fetchone()[0]
            threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
        seconds = time.perf_counter() - started
        size = database.stat().st_size
    finally:
        database.unlink(missing_ok=True)
        database.with_name(database.name + ".wal").unlink(missing_ok=True)
    return {
        "rows": rows,
        "query_seconds": round(seconds, 3),
        "file_mib": round(size / 2**20, 1),
        "duckdb_threads": threads,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument(
        "--database", type=Path, required=True, help="the new DuckDB file (removed afterwards)"
    )
    parser.add_argument("--memory-limit", required=True, help="DuckDB's memory_limit, such as 1GB")
    args = parser.parse_args(argv)
    try:
        result = copy(args.landing, args.database, args.memory_limit)
    except (ValueError, duckdb.Error) as exc:
        parser.error(str(exc))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
