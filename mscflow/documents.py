"""Seed file -> raw-document row -> cleaned-document row or quarantine row.

The per-document steps the Dagster assets (and tests) call; each returns DataFrames that
match the pandera models in ``mscflow.schemas``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pandera.errors as pa_errors

from .clean import CleanDocument, clean_document
from .clean.textmap import encode_runs
from .ingest import INVALID, RawDocument, read_document, sha256_bytes
from .schemas.documents import DocumentsSchema
from .schemas.frames import empty_frame
from .schemas.quarantine import QuarantineSchema
from .schemas.raw_documents import RawDocumentsSchema


def first_owner(path: Path, seeds_dir: Path) -> str | None:
    """The earliest-named other seed file with identical content, if any.

    Only files of the same size are hashed, so this stays cheap for large seed folders."""
    size = path.stat().st_size
    same_size = [
        p for p in sorted(seeds_dir.iterdir())
        if p.is_file() and p.name < path.name and p.stat().st_size == size
    ]
    if not same_size:
        return None
    digest = sha256_bytes(path.read_bytes())
    return next((p.name for p in same_size if sha256_bytes(p.read_bytes()) == digest), None)


def read_seed(path: Path, seeds_dir: Path, max_bytes: int) -> RawDocument:
    if not path.is_file():
        raise FileNotFoundError(f"seed file {path} is gone; run the seed sensor or `mscflow refresh`")
    return read_document(path, seeds_dir, max_bytes, first_owner(path, seeds_dir))


def raw_frame(doc: RawDocument) -> pd.DataFrame:
    row = asdict(doc)
    row["document_id"] = doc.document_id
    frame = pd.DataFrame([row])[list(RawDocumentsSchema.to_schema().columns)]
    return RawDocumentsSchema.validate(frame)


def quarantine_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(QuarantineSchema.to_schema().columns))
    return QuarantineSchema.validate(frame)


def document_row(raw: dict, clean: CleanDocument) -> dict:
    return {
        "document_id": raw["document_id"],
        "source_path": raw["source_path"],
        "sha256": raw["sha256"],
        "encoding": raw["encoding"],
        "encoding_confidence": raw["encoding_confidence"],
        "size_bytes": raw["size_bytes"],
        "script": clean.script,
        "title": clean.title,
        "clean_text": clean.text,
        "n_chars_raw": len(raw["text"]),
        "n_chars_clean": len(clean.text),
        **{k: clean.repairs[k] for k in (
            "n_pinyin_removed", "n_html_tags", "n_html_entities", "n_chrome_lines",
            "n_damaged_spans", "n_chars_converted", "n_chars_normalized")},
        "n_blocks": len(clean.blocks),
        "n_sentences": len(clean.sentences),
        "damaged_spans": json.dumps([{"start": d.start, "end": d.end, "kind": d.kind, "text": d.text} for d in clean.damaged], ensure_ascii=False),
        "offset_map": json.dumps(encode_runs(clean.offsets)),
        "chrome_removed": json.dumps([{"rule": c.rule, "text": c.text} for c in clean.chrome], ensure_ascii=False),
    }


def clean_frames(raw: dict, opencc_config: str = "t2s") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(documents, quarantine) frames for one raw-document row; exactly one has a row."""
    if isinstance(raw.get("quarantine_reason"), str):  # NaN after a Parquet round trip
        q = {k: raw[k] for k in ("source_path", "sha256")} | {
            "stage": "raw_documents", "reason": raw["quarantine_reason"], "detail": raw["quarantine_detail"] or ""}
        return empty_frame(DocumentsSchema), quarantine_frame([q])
    clean = clean_document(raw["text"], opencc_config)
    frame = pd.DataFrame([document_row(raw, clean)])
    try:
        return DocumentsSchema.validate(frame, lazy=True), quarantine_frame([])
    except (pa_errors.SchemaError, pa_errors.SchemaErrors) as exc:
        q = {"source_path": raw["source_path"], "sha256": raw["sha256"], "stage": "clean_documents",
             "reason": INVALID, "detail": _schema_message(exc)}
        return empty_frame(DocumentsSchema), quarantine_frame([q])


def _schema_message(exc: Exception) -> str:
    cases = getattr(exc, "failure_cases", None)
    if cases is not None and len(cases):
        parts = [f"{r.get('column')}: {r.get('check')} (got {r.get('failure_case')!r})" for r in cases.head(5).to_dict("records")]
        return "; ".join(parts)
    return str(exc).splitlines()[0][:500]
