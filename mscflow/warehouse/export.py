"""``mscflow export``: every table of the published file as Parquet, CSV or Excel files.

One file per core table, mart and dictionary table, named ``<schema>.<table>.<ext>``, read
from the published file opened read-only (safe beside a refresh). Parquet keeps the types
(lists stay lists); CSV is UTF-8 with a header, nulls empty, lists as ``a; b``; Excel (openpyxl)
gets one sheet per file with the table's COMMENT in a second sheet, text cells cut at Excel's
32,767-character limit and control characters Excel refuses removed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from .comments import _literal
from .models import quote_relation

ExportFormat = Literal["parquet", "csv", "xlsx"]
FORMATS: tuple[str, ...] = ("parquet", "csv", "xlsx")
EXPORTED_SCHEMAS = ("core", "marts", "dictionary")
EXCEL_CELL_LIMIT = 32_767
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def exported_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(schema, table, comment) of every table exported, in a stable order."""
    marks = ", ".join("?" for _ in EXPORTED_SCHEMAS)
    return con.execute(
        f"SELECT schema_name, table_name, COALESCE(comment, '') FROM duckdb_tables() "
        f"WHERE schema_name IN ({marks}) ORDER BY list_position({list(EXPORTED_SCHEMAS)!r}, schema_name), table_name",
        list(EXPORTED_SCHEMAS)).fetchall()


def _flat_select(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """SELECT with list columns joined by '; ' (CSV and Excel have no lists)."""
    schema, name = relation.split(".", 1)
    cols = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = ? "
                       "AND table_name = ? ORDER BY column_index", [schema, name]).fetchall()
    parts = [f'array_to_string("{c}", \'; \') AS "{c}"' if t.endswith("[]") else f'"{c}"' for c, t in cols]
    return f"SELECT {', '.join(parts)} FROM {quote_relation(relation)}"


def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = [v if not isinstance(v, str) else _EXCEL_ILLEGAL.sub("", v)[:EXCEL_CELL_LIMIT] for v in out[col]]
    return out


def _write_xlsx(frame: pd.DataFrame, target: Path, relation: str, comment: str) -> None:
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        _excel_safe(frame).to_excel(writer, sheet_name=relation[:31], index=False)
        pd.DataFrame({"table": [relation], "meaning": [comment]}).to_excel(writer, sheet_name="about", index=False)


def export_tables(warehouse: Path, out_dir: Path, fmt: ExportFormat,
                  progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write every core, mart and dictionary table of ``warehouse`` to ``out_dir``; return the files."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    if not Path(warehouse).exists():
        raise FileNotFoundError(f"no published warehouse at {warehouse}; run `mscflow build` first")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for schema, table, comment in exported_tables(con):
            relation = f"{schema}.{table}"
            target = out_dir / f"{relation}.{fmt}"
            if fmt == "parquet":
                con.execute(f"COPY (SELECT * FROM {quote_relation(relation)}) TO {_literal(str(target))} (FORMAT parquet)")
            elif fmt == "csv":
                con.execute(f"COPY ({_flat_select(con, relation)}) TO {_literal(str(target))} (FORMAT csv, HEADER)")
            else:
                _write_xlsx(con.execute(_flat_select(con, relation)).df(), target, relation, comment)
            written.append(target)
            if progress:
                progress(relation)
    finally:
        con.close()
    return written
