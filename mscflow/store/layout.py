"""Where the store keeps each document's rows, and which document versions it holds completely.

Layout ``<store_dir>/<table>/<digest of the document key>.parquet``, or ``.empty`` (the key as
its text) where the document has no row in that table: a third of a build's files are such,
and an empty Parquet file costs as much to write and read as a small one. DuckDB only (no
pandas): a refresh with nothing to do reads the markers from here."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import duckdb

from mscflow.files import replace_file

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


ROW_COUNTS = ".row_counts"  # <store_dir>/.row_counts/<table>.json: rows of each stored file, by its stat


def stored_rows(store_dir: Path, table: str, exclude: set[str] | frozenset[str] = frozenset()) -> int:
    """Rows stored for ``table`` by documents other than ``exclude``.

    Each file's row count comes from its Parquet footer once, then from a small cache keyed by
    the file's inode, size and mtime (a stored file is only ever replaced whole, so a new
    version has a new stat): every document step reports the whole table's rows, and reading
    10,000 footers took 3 s there. The cache is only a shortcut: a missing, unreadable or stale
    entry is read from the footer again."""
    folder = store_dir / table
    stamps = {e.name: [(st := e.stat()).st_ino, st.st_size, st.st_mtime_ns]
              for e in (os.scandir(folder) if folder.is_dir() else []) if e.name.endswith(".parquet")}
    cache_file = store_dir / ROW_COUNTS / f"{table}.json"
    known = _read_row_counts(cache_file)
    counts = {n: known[n] for n, stamp in stamps.items() if isinstance(known.get(n), list) and known[n][:3] == stamp}
    missing = sorted(set(stamps) - set(counts))
    if missing:
        with duckdb.connect() as con:
            read = dict(con.execute("SELECT file_name, sum(num_rows) FROM parquet_file_metadata(?) GROUP BY 1",
                                    [[str(folder / n) for n in missing]]).fetchall())
        counts.update({n: [*stamps[n], int(read.get(str(folder / n)) or 0)] for n in missing})
    if missing or len(counts) != len(known):  # new, changed or gone files
        _write_row_counts(cache_file, counts)
    skip = {store_file(store_dir, table, k).name for k in exclude}
    return sum(entry[3] for name, entry in counts.items() if name not in skip)


def _read_row_counts(path: Path) -> dict[str, list[int]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_row_counts(path: Path, counts: dict[str, list[int]]) -> None:
    """Replace the cache whole: a concurrent writer's entries lost cost only footer reads later."""
    replace_file(path, json.dumps(counts, separators=(",", ":")).encode("utf-8"))


def stored_state(store_dir: Path) -> dict[str, str]:
    """{seed name: sha256} of the document versions the store holds completely (one DuckDB
    statement over the markers: a refresh with nothing to do stays cheap at 10,000 files)."""
    files = [str(p) for p in table_files(store_dir, PROCESSED)]
    if not files:
        return {}
    with duckdb.connect() as con:
        return dict(con.execute("SELECT source_path, sha256 FROM read_parquet(?, union_by_name = true)", [files]).fetchall())
