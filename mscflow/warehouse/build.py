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

from mscflow import store
from mscflow.contracts import CONTRACTS, WAREHOUSE_TABLES
from mscflow.ingest.duplicates import near_duplicate_quarantine, near_duplicates
from mscflow.settings import SQL_DIR, Settings

from .comments import apply_comments, comment_model, uncommented
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


def land(path: Path, store_dir: Path) -> dict[str, int]:
    """Start a fresh build file holding every stored table as ``landing.<table>``.

    Each landing table has its contract's columns; a table with no stored rows (or an older
    frame missing a column) lands with those columns as NULL, so the models run on any set of
    documents. Each table is one DuckDB statement over its stored Parquet files; a near-duplicate
    (``ingest.duplicates``) lands as a quarantine row naming its original, its rows left out."""
    fresh_build_file(path)
    documents = store.read_table(store_dir, "documents")
    copies = near_duplicates(documents)
    counts: dict[str, int] = {}
    with connect(path) as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {LANDING}")
        for table in WAREHOUSE_TABLES:
            relation = f"{LANDING}.{table}"
            sql, files = store.landing_query(store_dir, table, list(CONTRACTS[table].columns), exclude=set(copies))
            con.execute(f"CREATE TABLE {quote_relation(relation)} AS {sql}", {"files": files} if files else None)
            if table == "quarantine" and copies:
                _land_rows(con, relation, pd.DataFrame(near_duplicate_quarantine(documents, copies)))
            apply_comments(
                con, relation, "TABLE",
                f"Rows of the stored table '{table}' as the document assets wrote them "
                f"(one Parquet file per seed document), before typing.",
            )
            counts[table] = int(con.execute(f"SELECT count(*) FROM {quote_relation(relation)}").fetchone()[0])
    return counts


def _land_rows(con: duckdb.DuckDBPyConnection, relation: str, frame: pd.DataFrame) -> None:
    """Append rows made at landing (not stored by a document asset) to a landing table."""
    con.register("_landing_rows", frame)
    try:
        con.execute(f"INSERT INTO {quote_relation(relation)} BY NAME SELECT * FROM _landing_rows")
    finally:
        con.unregister("_landing_rows")


def run_model(con: duckdb.DuckDBPyConnection, model: Model) -> int:
    """(Re)create one model and its comments; return its row count."""
    con.execute(f'CREATE SCHEMA IF NOT EXISTS "{model.layer}"')
    kind = "VIEW" if model.materialized == "view" else "TABLE"
    other = "TABLE" if kind == "VIEW" else "VIEW"
    con.execute(f"DROP {other} IF EXISTS {model.quoted}")
    body = model.sql.strip().rstrip(";")
    con.execute(f"CREATE OR REPLACE {kind} {model.quoted} AS\n{body}")
    comment_model(con, model)
    return int(con.execute(f"SELECT count(*) FROM {model.quoted}").fetchone()[0])


def run_models(path: Path, models: list[Model]) -> dict[str, int]:
    with connect(path) as con:
        return {m.relation: run_model(con, m) for m in models}


def build(settings: Settings, sql_dir: Path = SQL_DIR) -> BuildResult:
    """Land the store and run every model in dependency order into the build file."""

    models = discover_models(sql_dir)
    path = build_path(settings)
    result = BuildResult(path=path, landing_rows=land(path, settings.store_dir))
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


def published_state(path: Path) -> dict[str, str] | None:
    """{seed name: sha256} of every document the published warehouse holds (documents and
    quarantined files); None when there is no readable published file. Refresh compares the
    seeds folder with this, so a build killed before its publish is finished by the next one."""
    if not path.exists():
        return None
    try:
        with connect(path, read_only=True) as con:
            rows = con.execute("SELECT source_path, sha256 FROM core.documents UNION ALL "
                               "SELECT source_path, sha256 FROM core.quarantine").fetchall()
    except duckdb.Error:
        return None
    return dict(rows)
