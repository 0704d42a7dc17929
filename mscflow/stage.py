"""The stage: per-document Parquet outputs of the document assets.

Layout ``<stage_dir>/<table>/<document key>.parquet``. One file per seed document keeps
refreshes incremental and lets the warehouse build read every table without holding a
DuckDB lock while documents are processed in parallel."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, unquote

import pandas as pd

STAGE_TABLES = ("raw_documents", "documents", "quarantine", "table_rows", "studies", "registrations", "references")


def stage_file(stage_dir: Path, table: str, key: str) -> Path:
    # seed names may hold characters a path should not; quote keeps the mapping reversible
    return stage_dir / table / f"{quote(key, safe='')}.parquet"


def write_frame(stage_dir: Path, table: str, key: str, frame: pd.DataFrame) -> Path:
    """Write atomically (temp file + rename) so a reader never sees half a file."""
    path = stage_file(stage_dir, table, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.tmp")
    frame.reset_index(drop=True).to_parquet(tmp, index=False)
    os.replace(tmp, path)
    return path


def read_frame(stage_dir: Path, table: str, key: str) -> pd.DataFrame:
    path = stage_file(stage_dir, table, key)
    if not path.exists():
        raise FileNotFoundError(f"no staged {table} for document {key!r} at {path}; materialize it first")
    return pd.read_parquet(path)


def staged_keys(stage_dir: Path, table: str) -> list[str]:
    folder = stage_dir / table
    if not folder.is_dir():
        return []
    return sorted(unquote(p.name.removesuffix(".parquet")) for p in folder.glob("*.parquet"))


def read_table(stage_dir: Path, table: str, columns: list[str] | None = None) -> pd.DataFrame:
    """All staged documents of one table, in key order (empty frame with ``columns`` if none)."""
    frames = [read_frame(stage_dir, table, k) for k in staged_keys(stage_dir, table)]
    frames = [f for f in frames if len(f.columns)]
    if not frames:
        return pd.DataFrame(columns=columns or [])
    return pd.concat(frames, ignore_index=True)


def remove_document(stage_dir: Path, key: str) -> list[Path]:
    """Forget one document everywhere in the stage (its seed file was removed)."""
    removed = []
    for table in STAGE_TABLES:
        path = stage_file(stage_dir, table, key)
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


def rename_document(stage_dir: Path, old: str, new: str) -> None:
    """A seed renamed with unchanged content keeps its extraction: move its stage files and
    update the file name they record, instead of extracting it again."""
    for table in STAGE_TABLES:
        src = stage_file(stage_dir, table, old)
        if not src.exists():
            continue
        frame = pd.read_parquet(src)
        if "source_path" in frame.columns:
            frame["source_path"] = new
        write_frame(stage_dir, table, new, frame)
        src.unlink()
