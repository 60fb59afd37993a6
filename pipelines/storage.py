"""Dagster's SQLite event log, with its connections kept open.

The stock SqliteEventLogStorage creates a new engine and connection, and commits with an fsync, for each of the
~6 writes one event takes: about 10 ms a write here, which made run bookkeeping the largest fixed cost of a
nightly run (8-10 s of an S run). This one keeps a pooled engine per database (the index and the most recent
runs) and commits without waiting for the disk (WAL with synchronous=NORMAL: a committed event survives a
killed process, only a power cut can lose the last ones). Everything else is Dagster's own storage.
"""

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

OPEN_DATABASES = 8  # the index and the runs being written or read; older engines are closed


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage keeping an engine per database (at most OPEN_DATABASES) and committing without fsync."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> "PooledSqliteEventLogStorage":
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def _engine(self, shard: str) -> Engine:
        if shard in self._engines:
            self._engines.move_to_end(shard)
            return self._engines[shard]
        engine = create_engine(
            self.conn_string_for_shard(shard), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        )
        event.listen(engine, "connect", _commit_without_fsync)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_DATABASES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    def _dispose_engines(self) -> None:
        while self._engines:
            self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        with self._db_lock:
            self._dispose_engines()
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()


def _commit_without_fsync(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
