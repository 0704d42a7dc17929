"""The embedded Dagster instance's SQLite files, written without an fsync per event.

Dagster's SQLite storage commits every event on its own (twice for an asset event: the run's
shard and the cross-run index), and each commit waits for the disk: 26–50 ms per event on this
machine, 8 events per document per build. With ``PRAGMA synchronous=OFF`` a commit returns
once the OS has the page (4.5 ms per event measured). A killed process loses nothing; a power
cut or kernel crash can lose or damage the run history (never the store nor the published
warehouse, which do not live there): then delete ``DAGSTER_HOME``'s ``history``/``storage``
and rebuild. ``MSCFLOW_DAGSTER_SQLITE_SYNC=full`` keeps SQLite's default; a shared deployment
uses PostgreSQL (docs/cluster.md), which this does not touch."""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from dagster import DagsterEventType, Field, StringSource
from dagster._core.errors import DagsterInvariantViolationError
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlalchemy_compat import db_result
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from mscflow.settings import dagster_home, load_settings

_installed = False


def _no_fsync(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def tune_sqlite_storage() -> None:
    """Install the hook once per process (before the instance opens its files)."""
    global _installed
    if _installed or load_settings().dagster_sqlite_sync != "off":
        return
    event.listen(Engine, "connect", _no_fsync)
    _installed = True


class KeptConnectionEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log, with one open connection per shard instead of a new engine,
    connection, schema check and disposal for every event.

    Dagster's own class builds and disposes an SQLAlchemy engine per operation (a store
    of one asset event opens three: the run's shard, the index, and a table check): about 20 ms
    per event, 8 events per document per build, the largest cost of a large build. Here each
    shard keeps one connection for the process (used under the storage's own lock, so one
    thread at a time), the index shard's table checks are remembered, and only the latest
    runs' shards stay open. The files, schema and every reader (the UI, the daemon) are
    Dagster's own: a process that uses the stock class reads and writes them alike."""

    OPEN_RUN_SHARDS = 4

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()  # before Dagster's init, which connects
        self._known_tables: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls) -> dict:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> KeptConnectionEventLogStorage:
        return cls(config_value.get("base_dir") or home_runs_dir(), inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.pop(shard, None) or create_engine(
            self.conn_string_for_shard(shard), poolclass=StaticPool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
        self._engines[shard] = engine
        while len(self._engines) > self.OPEN_RUN_SHARDS + 1:  # + the index shard
            oldest = next(iter(self._engines))
            self._engines.pop(oldest).dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        """Tables of the index shard are only ever added (by Dagster's migrations)."""
        if table_name not in self._known_tables and super().has_table(table_name):
            self._known_tables.add(table_name)
        return table_name in self._known_tables

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """A step's materializations (or planned ones) of many partitions (Dagster batches them when
        ``DAGSTER_EVENT_BATCH_SIZE`` is set, ``settings.DAGSTER_ENVIRONMENT``): one transaction
        per shard instead of two per event, and the asset's latest-materialization row written
        once, for the batch's last event, where ``store_event`` rewrote (and re-serialised) it
        for every partition. The rows written are the ones ``store_event`` writes one by one."""
        if not _one_kind_of_asset_event(events):
            super().store_event_batch(events)  # anything else: Dagster's own path, event by event
            return
        statements = [self.prepare_insert_event(e) for e in events]
        with self.run_connection(events[0].run_id) as conn:
            for statement in statements:
                conn.execute(statement)
        with self.index_transaction() as conn:
            ids = []
            for statement in statements:
                with db_result(conn, statement) as result:
                    ids.append(result.inserted_primary_key[0])
            if any(i is None for i in ids):
                raise DagsterInvariantViolationError("Cannot store asset event tags for null event id.")
            self._store_asset_event_tags(conn, events, ids)
            latest = {e.get_dagster_event().asset_key: (e, i) for e, i in zip(events, ids, strict=True)}
            for event, event_id in latest.values():
                self._store_asset_event(conn, event, event_id)

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()


_BATCHED = (DagsterEventType.ASSET_MATERIALIZATION, DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
            DagsterEventType.ASSET_OBSERVATION)


def _one_kind_of_asset_event(events: Sequence[EventLogEntry]) -> bool:
    """One run's asset events of one type: the asset row's last write is then the last event's."""
    return (bool(events) and len({e.run_id for e in events}) == 1
            and all(e.is_dagster_event and e.get_dagster_event().asset_key for e in events)
            and len({e.dagster_event_type for e in events}) == 1 and events[0].dagster_event_type in _BATCHED)


def home_runs_dir() -> str:
    """Where Dagster's own default puts the event log: ``history/runs`` under the instance's
    home. Resolved when the instance opens, never written into ``dagster.yaml``, so a copied or
    moved home writes its events to itself, not to the home it was copied from."""
    return str(dagster_home() / "history" / "runs")


EVENT_LOG_CLASS = f"{KeptConnectionEventLogStorage.__module__}.{KeptConnectionEventLogStorage.__name__}"
