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

from sqlalchemy import event
from sqlalchemy.engine import Engine

from mscflow.settings import load_settings

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
