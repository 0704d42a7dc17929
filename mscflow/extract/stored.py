"""The extraction stage from store to store, chunk by chunk on the pool: what the extraction
asset runs.

Each chunk reads its cleaned documents from the store, extracts them (``extract_batch``),
writes every extracted table's frames, quarantines the documents whose extraction failed, and
returns only what the asset reports: row counts, repairs, errors, the rows-reconcile count and
each document's version. Only keys and counts cross between processes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..clean.blocks import ruled_table_data_lines
from ..contracts import EXTRACTED_TABLES, contract
from ..contracts.frames import empty_frame
from ..pool import PoolConfig, call, run_chunks
from ..store import StoredFrames, quarantine_documents, store_frames
from .document import BatchExtraction, Extraction, extract_batch, failed_extraction_quarantine


@dataclass
class StoredExtraction:
    """A batch extracted into the store: per table its stored frames, and what the checks, the
    run's metadata and the processed markers need."""

    frames: dict[str, StoredFrames]
    repairs: dict[str, list[str]] = field(default_factory=dict)  # key -> repairs of its values
    errors: dict[str, Extraction] = field(default_factory=dict)  # key -> the failed extraction
    unreconciled: dict[str, dict] = field(default_factory=dict)  # key -> ruled lines that are not rows
    versions: dict[str, str] = field(default_factory=dict)  # key -> sha256 of the version extracted
    names: dict[str, str] = field(default_factory=dict)  # document_id -> seed file name


def unreconciled_rows(docs: Mapping[str, Mapping | None], batch: BatchExtraction) -> dict[str, dict]:
    """An independent count: every ruled data line of a clean text (found without the table
    parser) is a row of ``table_rows``; the documents where that fails, with samples."""
    mismatched = {}
    for key, doc in docs.items():
        if doc is None:
            continue
        text = doc["clean_text"]
        rows = batch.frames["table_rows"][key]
        starts = set(rows["char_start"].astype(int))
        lost = [text[s:e][:60] for s, e in ruled_table_data_lines(text) if s not in starts]
        dropped = [r for r in batch.repairs.get(key, []) if r.startswith("table_rows ") and "dropped" in r]
        if lost or dropped:
            mismatched[key] = {"rows_out": len(rows), "lines_not_rows": lost[:5], "rows_dropped": dropped[:5]}
    return mismatched


def extract_stored(documents: StoredFrames, quarantine: StoredFrames, timeout: float | None = None) -> StoredExtraction:
    """Extract the stored documents of ``documents`` (a document quarantined at an earlier
    stage has no row there, and its version is read from ``quarantine``) into the store."""
    frames = documents.read_all()
    docs = {k: (f.iloc[0].to_dict() if len(f) else None) for k, f in frames.items()}
    batch = extract_batch(docs, timeout)
    store_dir = documents.store_dir
    out = StoredExtraction(frames={t: store_frames(store_dir, t, batch.frames[t]) for t in EXTRACTED_TABLES},
                           repairs=batch.repairs, errors=batch.errors, unreconciled=unreconciled_rows(docs, batch))
    out.names = {d["document_id"]: d["source_path"] for d in docs.values() if d is not None}
    out.versions = {k: str(d["sha256"]) for k, d in docs.items() if d is not None}
    for key in (k for k, d in docs.items() if d is None):
        held = quarantine[key]
        if len(held):
            out.versions[key] = str(held.iloc[0]["sha256"])
    quarantine_documents(store_dir, failed_extraction_quarantine(docs, batch))
    return out


def extract_in_store(documents: StoredFrames, quarantine: StoredFrames, pool: PoolConfig | None = None,
                     timeout: float | None = None) -> StoredExtraction:
    """``extract_stored`` over chunks of the batch on the pool, merged in the batch's order."""
    # each chunk ships the tables' addresses, not the batch's keys
    parts = run_chunks(call(_extract_keys, documents.subset(()), quarantine.subset(()), timeout),
                       list(documents.keys), pool)
    if not parts:
        return StoredExtraction(frames={t: StoredFrames(documents.store_dir, t, ()) for t in EXTRACTED_TABLES})
    out = StoredExtraction(frames={t: StoredFrames.merge([p.frames[t] for p in parts]) for t in EXTRACTED_TABLES})
    for part in parts:
        out.repairs.update(part.repairs)
        out.errors.update(part.errors)
        out.unreconciled.update(part.unreconciled)
        out.versions.update(part.versions)
        out.names.update(part.names)
    return out


def _extract_keys(keys: Sequence[str], documents: StoredFrames, quarantine: StoredFrames,
                  timeout: float | None) -> StoredExtraction:
    return extract_stored(documents.subset(keys), quarantine.subset(keys), timeout)


def stored_studies(extraction: StoredExtraction) -> pd.DataFrame:
    """Every study the batch stored, read back in the batch's order (for the gold score)."""
    frames = [f for f in extraction.frames["studies"].read_all().values() if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else empty_frame(contract("studies"))
