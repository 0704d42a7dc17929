"""Build the warehouse into its own working file: land the stored Parquet, run the SQL models.

Analysts never see this file: it is gated and then published (publish.py). One build file per
warehouse (``<build_dir>/<warehouse name>``) is kept after publishing so a single model can be
re-materialized and a failed build can be inspected."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from mscflow.settings import SQL_DIR, Settings

from .comments import comment_model, uncommented
from .landing import Landed, kept_stamps, land_changes, land_full
from .models import LANDING, Model, discover_models, quote_relation


@dataclass
class BuildResult:
    """What a build produced: the file and each relation's row count."""

    path: Path
    landing_rows: dict[str, int] = field(default_factory=dict)
    model_rows: dict[str, int] = field(default_factory=dict)
    uncommented: list[str] = field(default_factory=list)


def build_path(settings: Settings) -> Path:
    """The working file: same filesystem as the published one, so publishing is a rename."""
    return settings.build_dir / settings.warehouse_path.name


@contextlib.contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is always closed (DuckDB holds the file lock until close)."""
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def fresh_build_file(path: Path) -> None:
    """Remove the previous build file; fail clearly if another build still has it open."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        try:
            duckdb.connect(str(path)).close()
        except duckdb.Error as exc:
            raise RuntimeError(f"another build holds {path}; wait for it to finish ({exc})") from exc
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


def land(path: Path, store_dir: Path, incremental: bool = True) -> dict[str, int]:
    """Rows per ``landing.<table>`` after landing the store into the build file."""
    return land_build_file(path, store_dir, incremental).counts


def land_build_file(path: Path, store_dir: Path, incremental: bool = True) -> Landed:
    """Bring ``landing.<table>`` of the build file up to date with every stored table.

    Each landing table has its contract's columns; a table with no stored rows (or an older
    frame missing a column) lands with those columns as NULL, so the models run on any set of
    documents; a near-duplicate (``ingest.duplicates``) lands as a quarantine row naming its
    original, its rows left out. With ``incremental`` and a kept build file whose landing this
    code finished, only the store files that changed since are read (``landing.land_changes``);
    else a fresh build file is landed from every stored file. Both give the same rows."""
    kept = _kept_landing(path) if incremental else None
    if kept is None:
        fresh_build_file(path)
        with connect(path) as con:
            return land_full(con, store_dir)
    with connect(path) as con:
        return land_changes(con, store_dir, kept)


def _kept_landing(path: Path) -> dict[str, dict[str, str]] | None:
    """The stamps of the kept build file's landing, or None when there is none to update."""
    if not path.exists():
        return None
    try:
        with connect(path) as con:
            return kept_stamps(con)
    except duckdb.IOException as exc:
        raise RuntimeError(f"another build holds {path}; wait for it to finish ({exc})") from exc
    except duckdb.Error:  # unreadable or damaged: land it afresh
        return None


def run_model(con: duckdb.DuckDBPyConnection, model: Model) -> int:
    """(Re)create one model and its comments; return its row count."""
    con.execute(f'CREATE SCHEMA IF NOT EXISTS "{model.layer}"')
    kind = "VIEW" if model.materialized == "view" else "TABLE"
    existing = _existing_kind(con, model.layer, model.name)
    if existing is not None and existing != kind:  # DuckDB 2 refuses DROP TABLE on a view
        con.execute(f"DROP {existing} {model.quoted}")
    body = model.sql.strip().rstrip(";")
    con.execute(f"CREATE OR REPLACE {kind} {model.quoted} AS\n{body}")
    comment_model(con, model)
    return int(con.execute(f"SELECT count(*) FROM {model.quoted}").fetchone()[0])


def _existing_kind(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> str | None:
    """VIEW or TABLE when the relation exists already (a model re-run on a kept build file)."""
    row = con.execute("SELECT 'VIEW' FROM duckdb_views() WHERE schema_name = $s AND view_name = $n "
                      "UNION ALL SELECT 'TABLE' FROM duckdb_tables() WHERE schema_name = $s AND table_name = $n",
                      {"s": schema, "n": name}).fetchone()
    return row[0] if row else None


def run_models(path: Path, models: list[Model]) -> dict[str, int]:
    with connect(path) as con:
        return {m.relation: run_model(con, m) for m in models}


def build(settings: Settings, sql_dir: Path = SQL_DIR) -> BuildResult:
    """Land the store and run every model in dependency order into the build file."""

    models = discover_models(sql_dir)
    path = build_path(settings)
    result = BuildResult(path=path, landing_rows=land(path, settings.store_dir, incremental=False))
    result.model_rows = run_models(path, models)
    with connect(path, read_only=True) as con:
        result.uncommented = uncommented(con, (LANDING, *{m.layer for m in models}))
    return result


def table_frame(con: duckdb.DuckDBPyConnection, relation: str) -> pd.DataFrame:
    return con.execute(f"SELECT * FROM {quote_relation(relation)}").df()


def published_counts(path: Path) -> dict[str, int]:
    """Rows per core and mart table of a warehouse file, opened read-only (safe beside readers)."""
    with connect(path, read_only=True) as con:
        relations = [r for (r,) in con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "WHERE schema_name IN ('core', 'marts') ORDER BY 1").fetchall()]
        return {rel: int(con.execute(f"SELECT count(*) FROM {quote_relation(rel)}").fetchone()[0])
                for rel in relations}
