"""Where the store keeps each document's rows, and which document versions it holds completely.

Layout ``<store_dir>/<table>/<digest of the document key>.parquet``, or ``.empty`` (the key as
its text) where the document has no row in that table: a third of a build's files are such,
and an empty Parquet file costs as much to write and read as a small one. DuckDB only (no
pandas): a refresh with nothing to do reads the markers from here."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

PROCESSED = "processed"  # one marker per document version that went through every document stage
KEY = b"mscflow_key"  # the document key (seed file name), kept in each file's Parquet metadata
EMPTY = ".empty"  # suffix of a marker file: this document has no row in this table


def store_file(store_dir: Path, table: str, key: str) -> Path:
    """The file of one document's rows: named by a digest of the key, so a seed file name of
    any length or alphabet makes a short, safe path; the key itself lives inside the file."""
    return store_dir / table / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.parquet"


def empty_file(store_dir: Path, table: str, key: str) -> Path:
    """The marker that says a document has no row in ``table`` (beside, never with, its file)."""
    return store_file(store_dir, table, key).with_suffix(EMPTY)


def table_files(store_dir: Path, table: str, exclude: set[str] | frozenset[str] = frozenset()) -> list[Path]:
    """The stored files of one table (one per document), without those of the ``exclude`` keys."""
    folder = store_dir / table
    if not folder.is_dir():
        return []
    skip = {store_file(store_dir, table, k).name for k in exclude}
    return sorted(p for p in folder.glob("*.parquet") if p.name not in skip)


def stored_rows(store_dir: Path, table: str, exclude: set[str] | frozenset[str] = frozenset()) -> int:
    """Rows stored for ``table`` by documents other than ``exclude``, from the Parquet footers
    (read by DuckDB in one statement, so the cost stays small at thousands of files)."""
    files = table_files(store_dir, table, exclude)
    if not files:
        return 0
    with duckdb.connect() as con:
        (rows,) = con.execute("SELECT sum(num_rows) FROM parquet_file_metadata(?)", [[str(p) for p in files]]).fetchone()
    return int(rows or 0)


def stored_state(store_dir: Path) -> dict[str, str]:
    """{seed name: sha256} of the document versions the store holds completely (one DuckDB
    statement over the markers: a refresh with nothing to do stays cheap at 10,000 files)."""
    files = [str(p) for p in table_files(store_dir, PROCESSED)]
    if not files:
        return {}
    with duckdb.connect() as con:
        return dict(con.execute("SELECT source_path, sha256 FROM read_parquet(?, union_by_name = true)", [files]).fetchall())
