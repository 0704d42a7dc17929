"""Reading and writing the store's per-document frames (pandas and Arrow)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..contracts import CONTRACTS
from ..contracts.frames import BatchFrames, empty_frame
from .layout import EMPTY, KEY, PROCESSED, empty_file, store_file

TABLES: tuple[str, ...] = (*CONTRACTS, PROCESSED)


def write_frame(store_dir: Path, table: str, key: str, frame: pd.DataFrame) -> Path:
    """Write atomically (temp file + rename) so a reader never sees half a file. A frame with
    no row of a contract's table is stored as an ``.empty`` marker instead (``layout``); the
    other form of the document's rows is removed after the new one is in place."""
    if not len(frame) and table in CONTRACTS:
        return _write_rows(store_dir, table, key, None)
    return _write_rows(store_dir, table, key, pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False))


def _write_rows(store_dir: Path, table: str, key: str, data: pa.Table | None) -> Path:
    """One document's rows as its Parquet file, or its ``.empty`` marker when ``data`` is None."""
    path, marker = store_file(store_dir, table, key), empty_file(store_dir, table, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    if data is None:
        _replace(marker, key.encode())
        path.unlink(missing_ok=True)
        return marker
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(data.replace_schema_metadata({**(data.schema.metadata or {}), KEY: key.encode()}), tmp)
    os.replace(tmp, path)
    marker.unlink(missing_ok=True)
    return path


def _replace(path: Path, content: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


IO_THREADS = 4  # Arrow conversion and Parquet I/O release the GIL for part of each file


def write_frames(store_dir: Path, table: str, frames: Mapping[str, pd.DataFrame]) -> None:
    """Every document's frame of one table (a batch's output), a few files at a time. A
    ``BatchFrames`` is converted to Arrow once and each document's rows are a slice of it."""
    from concurrent.futures import ThreadPoolExecutor

    if isinstance(frames, BatchFrames):
        data = pa.Table.from_pandas(frames.frame, preserve_index=False)

        def write(key: str) -> Path:
            lo, hi = frames.spans[key]
            return _write_rows(store_dir, table, key, data.slice(lo, hi - lo) if hi > lo else None)
    else:
        def write(key: str) -> Path:
            return write_frame(store_dir, table, key, frames[key])

    with ThreadPoolExecutor(IO_THREADS) as pool:
        list(pool.map(write, list(frames)))


def read_frames(store_dir: Path, table: str, keys: list[str]) -> dict[str, pd.DataFrame]:
    """The frames of ``keys`` (a batch's input), in the order of ``keys``."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(IO_THREADS) as pool:
        return dict(zip(keys, pool.map(lambda k: read_frame(store_dir, table, k), keys), strict=True))


def read_frame(store_dir: Path, table: str, key: str) -> pd.DataFrame:
    path = store_file(store_dir, table, key)
    if path.exists():
        return pd.read_parquet(path)
    if empty_file(store_dir, table, key).exists():
        return empty_frame(CONTRACTS[table])
    raise FileNotFoundError(f"no stored {table} for document {key!r} at {path}; materialize it first")


HEAD_ROWS = 8  # rows a stored batch keeps in memory for its preview


@dataclass(eq=False)
class StoredFrames(Mapping[str, pd.DataFrame]):
    """The frames of ``keys`` in one stored table, read from the store on access.

    What the document stages hand each other: a pool worker reads its chunk's input and writes
    its output itself, so only keys and counts cross between processes, and the main process
    never holds a batch's text. ``rows`` (key -> row count), ``columns`` and ``head`` (the first
    rows, for previews) are known when the frames were just written (``store_frames``)."""

    store_dir: Path
    table: str
    keys: tuple[str, ...]
    rows: dict[str, int] | None = None
    columns: tuple[str, ...] | None = None
    head: pd.DataFrame | None = None
    _index: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.keys = tuple(self.keys)
        self._index = frozenset(self.keys)

    def __getitem__(self, key: str) -> pd.DataFrame:
        if key not in self._index:
            raise KeyError(key)
        return read_frame(self.store_dir, self.table, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    def subset(self, keys: Iterable[str]) -> StoredFrames:
        """The same table's frames of ``keys`` only (a pool chunk's share of a batch)."""
        return StoredFrames(self.store_dir, self.table, tuple(keys))

    def read_all(self) -> dict[str, pd.DataFrame]:
        return read_frames(self.store_dir, self.table, list(self.keys))

    @classmethod
    def merge(cls, parts: list[StoredFrames]) -> StoredFrames:
        """One batch from its chunks' stored frames (one table, in the chunks' order)."""
        first = parts[0]
        return cls(first.store_dir, first.table, tuple(k for p in parts for k in p.keys),
                   rows={k: n for p in parts for k, n in (p.rows or {}).items()},
                   columns=next((p.columns for p in parts if p.columns is not None), None),
                   head=batch_head(p.head for p in parts if p.head is not None))


def store_frames(store_dir: Path, table: str, frames: Mapping[str, pd.DataFrame]) -> StoredFrames:
    """Write every document's frame of one table and return the handle to them, with their row
    counts, their columns (every frame must have the same) and the batch's first rows."""
    rows, columns, head = batch_summary(frames)
    if len(columns) > 1:
        raise ValueError(f"{table}: the batch's frames differ in their columns: {sorted(columns)[:2]}")
    write_frames(store_dir, table, frames)
    return StoredFrames(store_dir, table, tuple(frames), rows=rows, columns=next(iter(columns), None), head=head)


def batch_summary(frames: Mapping[str, pd.DataFrame]) -> tuple[dict[str, int], set[tuple[str, ...]], pd.DataFrame | None]:
    """Each document's row count, the batch's distinct column lists and its first rows (a
    ``BatchFrames`` without cutting a frame per document)."""
    if isinstance(frames, BatchFrames):
        head = frames.frame.head(HEAD_ROWS) if len(frames.frame) else None
        return {k: frames.rows(k) for k in frames}, {tuple(frames.frame.columns)}, head
    return ({k: int(len(f)) for k, f in frames.items()}, {tuple(f.columns) for f in frames.values()},
            batch_head(frames.values()))


def batch_head(frames: Iterable[pd.DataFrame]) -> pd.DataFrame | None:
    """The first ``HEAD_ROWS`` rows of a batch (frames in order), None when it has no row."""
    filled = [f.head(HEAD_ROWS) for f in frames if len(f)][:HEAD_ROWS]
    return pd.concat(filled, ignore_index=True).head(HEAD_ROWS) if filled else None


def _key_of(path: Path) -> str:
    if path.suffix == EMPTY:
        return path.read_text(encoding="utf-8")
    return (pq.read_schema(path).metadata or {}).get(KEY, b"").decode()


def stored_keys(store_dir: Path, table: str) -> list[str]:
    """Every document stored for ``table``, with rows or without (its ``.empty`` marker)."""
    folder = store_dir / table
    if not folder.is_dir():
        return []
    return sorted(_key_of(p) for p in (*folder.glob("*.parquet"), *folder.glob(f"*{EMPTY}")))


def read_table(store_dir: Path, table: str, columns: list[str] | None = None,
               exclude: frozenset[str] | set[str] = frozenset()) -> pd.DataFrame:
    """All stored documents of one table but ``exclude``'s, in key order (empty frame with
    ``columns`` if none)."""
    folder = store_dir / table
    skip = {store_file(store_dir, table, k) for k in exclude}
    files = sorted((p for p in folder.glob("*.parquet") if p not in skip), key=_key_of) if folder.is_dir() else []
    frames = [f for f in (pd.read_parquet(p) for p in files) if len(f.columns)]
    if not frames:
        return pd.DataFrame(columns=columns or [])
    return pd.concat(frames, ignore_index=True)


def remove_document(store_dir: Path, key: str) -> list[Path]:
    """Forget one document everywhere in the store (its seed file was removed)."""
    removed = []
    for table in TABLES:
        for path in (store_file(store_dir, table, key), empty_file(store_dir, table, key)):
            if path.exists():
                path.unlink()
                removed.append(path)
    return removed


def rename_document(store_dir: Path, old: str, new: str) -> None:
    """A seed renamed with unchanged content keeps its extraction: move its stage files and
    update the file name they record, instead of extracting it again."""
    for table in TABLES:
        src, marker = store_file(store_dir, table, old), empty_file(store_dir, table, old)
        if marker.exists():
            write_frame(store_dir, table, new, empty_frame(CONTRACTS[table]))
            marker.unlink()
        if not src.exists():
            continue
        frame = pd.read_parquet(src)
        if "source_path" in frame.columns:
            frame["source_path"] = new
        write_frame(store_dir, table, new, frame)
        src.unlink()


def quarantine_documents(store_dir: Path, records: dict[str, dict]) -> None:
    """Move documents (key -> quarantine record) from the stored ``documents`` table to the
    stored ``quarantine`` table: a document a later stage could not process is not published."""
    from ..contracts.frames import empty_frame, frame_for

    for key, record in records.items():
        write_frame(store_dir, "quarantine", key, frame_for(CONTRACTS["quarantine"], [record]).frame)
        write_frame(store_dir, "documents", key, empty_frame(CONTRACTS["documents"]))


def mark_processed(store_dir: Path, versions: dict[str, str]) -> None:
    """Record that each document (key -> sha256) went through every document stage. Written
    last, after every table of the document is stored, so a run killed half-way leaves the old
    marker and the document is processed again."""
    write_frames(store_dir, PROCESSED, {key: pd.DataFrame({"source_path": [key], "sha256": [sha]})
                                        for key, sha in versions.items()})
