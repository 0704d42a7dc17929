"""Read-only, sandboxed queries of the published warehouse (``mscflow sql``).

An analyst's SQL reads the warehouse and nothing else: the connection is read-only, external
access is off (no COPY TO, read_csv, read_text, glob, ATTACH, EXPORT, extension installs) and
the configuration is locked (no SET that could undo it)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

SANDBOX = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,  # last: nothing after it can change the settings above
}


def analyst_connection(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``path`` that can touch no other file and change no setting."""
    return duckdb.connect(str(path), read_only=True, config=dict(SANDBOX))

Format = Literal["table", "csv", "json"]


def _jsonable(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    return value


def run_query(path: Path, sql: str, fmt: Format = "table") -> str:
    """Run ``sql`` on the published file opened read-only, so a query can never block or
    alter a refresh; return the result as an aligned table, CSV or a JSON list of rows."""
    if not Path(path).exists():
        raise FileNotFoundError(f"no published warehouse at {path}; run `mscflow build` first")
    con = analyst_connection(Path(path))
    try:
        frame = con.execute(sql).df()
    finally:
        con.close()
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        rows = [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dict("records")]
        return json.dumps(rows, ensure_ascii=False, indent=1, default=str)
    if fmt == "table":
        return frame.to_string(index=False) if len(frame.columns) else "(no columns)"
    raise ValueError(f"unknown format {fmt!r}: use table, csv or json")
