"""A throwaway PostgreSQL server for the tests: Debian's binaries, a free loopback port, a temporary folder.

The server refuses to run as root, and tests and CI run as root: it then runs as the system user `postgres`,
in a folder of its own."""

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from . import free_port

# Debian's postgresql: /usr/lib/postgresql/<version>/bin, the newest installed (15 on Debian 12)
BIN = max(
    Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), default=Path("/nonexistent")
)


class PostgresError(RuntimeError):
    """The server did not start; the message holds the end of its log."""


def available() -> bool:
    return all((BIN / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres"))


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a PostgreSQL server (trust authentication, loopback only, no fsync); yield its URL; stop it and
    remove its files on leaving."""
    if not available():
        raise PostgresError(f"PostgreSQL's binaries are not in {BIN} (Debian: apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="tiers-postgres-"))  # not under pytest's folders, closed to others
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(folder, "postgres", "postgres")
    data, log, port = folder / "data", folder / "server.log", free_port()

    def run(*command: str) -> None:
        done = subprocess.run([*as_user, *command], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PostgresError(f"{command[0]} failed: {done.stdout}{done.stderr}{tail}")

    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        run(str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
        run(str(BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        try:
            yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"  # dagster-postgres drives psycopg2
        finally:
            run(str(BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
