"""Read-only, sandboxed queries of the published warehouse (``mscflow sql``).

An analyst's SQL reads the warehouse and nothing else: the connection is read-only, external
access is off (no COPY TO, read_csv, read_text, glob, ATTACH, EXPORT, extension installs) and
the configuration is locked (no SET that could undo it)."""

from __future__ import annotations

import csv
import io
import json
import math
import unicodedata
from collections.abc import Sequence
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
NULL = "NULL"  # the one spelling of a missing value in table output (CSV: empty, JSON: null)
NO_ROWS = "(no rows)"
MAX_CELL = 60  # display columns of a table cell; longer text ends in an ellipsis (CSV/JSON keep it whole)


def _width(text: str) -> int:
    """Display columns: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, limit: int = MAX_CELL) -> str:
    text = text.replace("\n", " ")
    if _width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        used += _width(ch)
        if used > limit - 1:
            break
        out.append(ch)
    return "".join(out) + "…"


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NULL
    if isinstance(value, float):
        return f"{value:.6g}"  # 6.1, 0.666667, 1.5e+06
    return _clip(str(value))


def _numeric(values: Sequence[object]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present)


def format_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An aligned text table: numbers right-aligned, one spelling of null, ``(no rows)`` when
    the result is empty (the header still says which columns it has)."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([_width(c), *(_width(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    right = [_numeric([row[i] for row in rows]) for i in range(len(columns))]

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, v in enumerate(values):
            pad = " " * (widths[i] - _width(v))
            parts.append(pad + v if right[i] else v + pad)
        return "  ".join(parts).rstrip()

    out = [line(list(columns)), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells] or [NO_ROWS]
    return "\n".join(out)


def format_csv(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if _jsonable(v) is None else v for v in row] for row in rows)
    return buf.getvalue()


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
    if fmt not in ("table", "csv", "json"):
        raise ValueError(f"unknown format {fmt!r}: use table, csv or json")
    con = analyst_connection(Path(path))
    try:
        result = con.execute(sql)
        columns = [d[0] for d in result.description or []]
        rows = result.fetchall() if columns else []
    finally:
        con.close()
    if not columns:
        return "(no columns)"
    if fmt == "csv":
        return format_csv(columns, rows)
    if fmt == "json":
        records = [{k: _jsonable(v) for k, v in zip(columns, row, strict=True)} for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=1, default=str)
    return format_table(columns, rows)
