"""The clean stage from store to store, chunk by chunk on the pool: what the ``documents``
asset runs.

Each chunk reads its raw documents from the store, cleans them (``clean_batch``), writes its
``documents`` and ``quarantine`` frames and returns only what the asset reports: counts,
repairs, the invariants its documents break and its quarantine records. The documents' text
never crosses to the main process and back, and the writing happens in the workers, beside
the cleaning of the other chunks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..pool import PoolConfig, call, run_chunks
from ..store import StoredFrames, store_frames
from .document import REPAIR_COLUMNS, clean_batch
from .invariants import broken_invariants


@dataclass
class StoredCleaning:
    """A batch cleaned into the store: its two tables, and what the checks and the run's
    metadata need."""

    documents: StoredFrames
    quarantine: StoredFrames
    quarantined: dict[str, dict] = field(default_factory=dict)  # key -> quarantine record
    repairs: dict[str, dict[str, int]] = field(default_factory=dict)  # key -> repair counts (cleaned documents)
    broken: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # key -> invariants its clean text breaks


def clean_stored(raw: StoredFrames, opencc_config: str = "t2s", timeout: float | None = None) -> StoredCleaning:
    """Clean the stored raw documents of ``raw`` and store the result beside them. The
    invariants are evaluated again on each stored clean text, independently of the quarantine
    decision ``clean_batch`` took, for the asset's blocking checks."""
    batch = clean_batch({k: f.iloc[0].to_dict() for k, f in raw.read_all().items()}, opencc_config, timeout)
    out = StoredCleaning(documents=store_frames(raw.store_dir, "documents", batch.documents),
                         quarantine=store_frames(raw.store_dir, "quarantine", batch.quarantine))
    out.quarantined = {k: f.iloc[0].to_dict() for k, f in batch.quarantine.items() if len(f)}
    for key, frame in batch.documents.items():
        if len(frame):
            row = frame.iloc[0]
            out.repairs[key] = {c: int(row[c]) for c in REPAIR_COLUMNS}
            out.broken[key] = broken_invariants(row["clean_text"], opencc_config)
    return out


def clean_in_store(raw: StoredFrames, opencc_config: str = "t2s", pool: PoolConfig | None = None,
                   timeout: float | None = None) -> StoredCleaning:
    """``clean_stored`` over chunks of the batch on the pool, merged in the batch's order."""
    # each chunk ships the table's address, not the batch's keys
    parts = run_chunks(call(_clean_keys, raw.subset(()), opencc_config, timeout), list(raw.keys), pool)
    if not parts:
        return StoredCleaning(documents=StoredFrames(raw.store_dir, "documents", ()),
                              quarantine=StoredFrames(raw.store_dir, "quarantine", ()))
    return StoredCleaning(
        documents=StoredFrames.merge([p.documents for p in parts]),
        quarantine=StoredFrames.merge([p.quarantine for p in parts]),
        quarantined={k: v for p in parts for k, v in p.quarantined.items()},
        repairs={k: v for p in parts for k, v in p.repairs.items()},
        broken={k: v for p in parts for k, v in p.broken.items()},
    )


def _clean_keys(keys: Sequence[str], table: StoredFrames, opencc_config: str, timeout: float | None) -> StoredCleaning:
    return clean_stored(table.subset(keys), opencc_config, timeout)
