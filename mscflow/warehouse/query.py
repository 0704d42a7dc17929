"""Read-only queries of the published warehouse (``mscflow sql``)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Literal

import pandas as pd

from .build import connect

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
    with connect(Path(path), read_only=True) as con:
        frame = con.execute(sql).df()
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        rows = [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dict("records")]
        return json.dumps(rows, ensure_ascii=False, indent=1, default=str)
    if fmt == "table":
        return frame.to_string(index=False) if len(frame.columns) else "(no columns)"
    raise ValueError(f"unknown format {fmt!r}: use table, csv or json")
