"""Raw-document records -> cleaned-document records or quarantine records, in batches.

The clean stage the ``documents`` asset runs (and the scorer and bench, through
``mscflow.eval.corpus``): each raw record is cleaned by ``clean_document``; the batch is
validated once by the ``documents`` contract, and a document that fails its contract is
quarantined with the validation message instead of stopping the others."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import pandera.errors as pa_errors

from ..budget import DocumentTimeout, time_budget
from ..contracts import REPAIR, contract
from ..contracts.frames import BatchFrames, empty_frame, frame_for, schema_message
from ..contracts.reasons import FAILED_CHECK, INVALID, TIMEOUT
from ..parse.shape import document_shape
from ..pool import PoolConfig, call, run_chunks
from .invariants import broken_invariants
from .pipeline import CleanDocument, clean_document
from .textmap import encode_runs

DOCUMENTS = contract("documents")
QUARANTINE = contract("quarantine")
REPAIR_COLUMNS: tuple[str, ...] = DOCUMENTS.columns_with(REPAIR)


def document_record(raw: Mapping, clean: CleanDocument) -> dict:
    """The ``documents`` record of one raw record and its cleaning."""
    return {
        "document_id": raw["document_id"],
        "source_path": raw["source_path"],
        "sha256": raw["sha256"],
        "encoding": raw["encoding"],
        "encoding_confidence": raw["encoding_confidence"],
        "size_bytes": raw["size_bytes"],
        "script": clean.script,
        **dict(zip(("document_shape", "shape_evidence"), document_shape(clean.text), strict=True)),
        "title": clean.title,
        "clean_text": clean.text,
        "n_chars_raw": len(raw["text"]),
        "n_chars_clean": len(clean.text),
        **{k: clean.repairs[k] for k in REPAIR_COLUMNS},
        "n_blocks": len(clean.blocks),
        "n_sentences": len(clean.sentences),
        "damaged_spans": json.dumps([{"start": d.start, "end": d.end, "kind": d.kind, "text": d.text} for d in clean.damaged], ensure_ascii=False),
        "offset_map": json.dumps(encode_runs(clean.offsets)),
        "chrome_removed": json.dumps([{"rule": c.rule, "text": c.text} for c in clean.chrome], ensure_ascii=False),
    }


def quarantine_record(raw: Mapping, stage: str, reason: str, detail: str) -> dict:
    return {"source_path": raw["source_path"], "sha256": raw["sha256"], "stage": stage, "reason": reason,
            "detail": detail or ""}


def is_quarantined(raw: Mapping) -> bool:
    return isinstance(raw.get("quarantine_reason"), str)  # NaN after a Parquet round trip


@dataclass
class CleanBatch:
    """Per document key: its documents frame and its quarantine frame (exactly one has a row)."""

    documents: Mapping[str, pd.DataFrame] = field(default_factory=dict)  # ``BatchFrames`` from a batch
    quarantine: dict[str, pd.DataFrame] = field(default_factory=dict)


def _clean_one(raw: Mapping, opencc_config: str, timeout: float | None) -> tuple[dict | None, dict | None]:
    """(documents record, None) or (None, quarantine record) for one raw record, within its
    time budget."""
    if is_quarantined(raw):
        return None, quarantine_record(raw, "raw_documents", raw["quarantine_reason"], raw["quarantine_detail"])
    try:
        with time_budget(timeout, "cleaning"):
            record = document_record(raw, clean_document(raw["text"], opencc_config))
            broken = broken_invariants(record["clean_text"], opencc_config)
    except DocumentTimeout as exc:
        return None, quarantine_record(raw, "documents", TIMEOUT, str(exc))
    if broken:
        detail = "; ".join(f"{name}: {samples}" for name, samples in broken.items())
        return None, quarantine_record(raw, "documents", FAILED_CHECK, detail[:500])
    return record, None


def clean_batch(raws: Mapping[str, Mapping], opencc_config: str = "t2s", timeout: float | None = None) -> CleanBatch:
    """Clean every raw record of a batch (each within ``timeout`` seconds); validate the batch
    once, quarantine the failures."""
    records: dict[str, dict] = {}
    quarantined: dict[str, dict] = {}
    for key, raw in raws.items():
        record, quarantine = _clean_one(raw, opencc_config, timeout)
        if record is not None:
            records[key] = record
        else:
            quarantined[key] = quarantine
    valid = _validate_each(records, raws, quarantined)  # one row per valid document, in key order
    position = {k: i for i, k in enumerate(k for k in records if k not in quarantined)}
    out = CleanBatch()
    out.documents = BatchFrames(DOCUMENTS, valid, {k: (position[k], position[k] + 1) if k in position else (0, 0)
                                                   for k in raws})
    for key in raws:
        q = quarantined.get(key)
        out.quarantine[key] = frame_for(QUARANTINE, [q]).frame if q else empty_frame(QUARANTINE)
    return out


def clean_in_pool(raws: Mapping[str, Mapping], opencc_config: str = "t2s", pool: PoolConfig | None = None,
                  timeout: float | None = None) -> CleanBatch:
    """``clean_batch`` over chunks of the batch on the pool (each chunk validated once, each
    document within ``timeout`` seconds), merged back in the batch's order: what the documents
    asset runs."""
    parts = run_chunks(call(_clean_pairs, opencc_config, timeout), list(raws.items()), pool)
    out = CleanBatch()
    for part in parts:
        out.documents.update(part.documents)
        out.quarantine.update(part.quarantine)
    return out


def _clean_pairs(pairs, opencc_config: str, timeout: float | None = None) -> CleanBatch:
    return clean_batch(dict(pairs), opencc_config, timeout)


def _validate_each(records: dict[str, dict], raws: Mapping[str, Mapping], quarantined: dict[str, dict]) -> pd.DataFrame:
    """One validation for the batch; only when it fails are documents validated one by one,
    so that the failing ones are quarantined with their own message. The valid documents' rows,
    in the order of ``records``."""
    if not records:
        return empty_frame(DOCUMENTS)
    frame = pd.DataFrame.from_records(list(records.values()))
    try:
        return DOCUMENTS.schema.validate(frame, lazy=True).reset_index(drop=True)
    except (pa_errors.SchemaError, pa_errors.SchemaErrors):
        pass
    valid = []
    for k in records:
        try:
            valid.append(DOCUMENTS.schema.validate(pd.DataFrame([records[k]]), lazy=True))
        except (pa_errors.SchemaError, pa_errors.SchemaErrors) as exc:
            quarantined[k] = quarantine_record(raws[k], "documents", INVALID, schema_message(exc))
    return pd.concat(valid, ignore_index=True) if valid else empty_frame(DOCUMENTS)
