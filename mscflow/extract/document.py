"""Extraction of one document, and of a batch: the one entry point the assets, the scorer,
the bench and the tests call.

A cleaned document record goes in; the records of every extracted table come out (tables are
found once and shared by every extractor; raw-file offsets come from the document's offset
map). A batch is validated once per table by its contract. One document whose extraction
raises gets no rows and its error, never a stopped batch."""

from __future__ import annotations

import json
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..budget import DocumentTimeout, time_budget
from ..clean.textmap import TextMap, decode_runs
from ..contracts import EXTRACTED_TABLES, contract
from ..contracts.frames import BatchFrames, frame_for
from ..parse.memo import one_document
from ..parse.tables import PipeTable, find_tables, table_row_records
from ..pool import PoolConfig, call, run_chunks
from .adverse_events import extract_adverse_events
from .outcomes import extract_outcomes
from .provenance import study_values
from .references import extract_references
from .registrations import extract_registrations
from .studies import extract_studies, fold_punctuation


@dataclass
class Extraction:
    """Records of every extracted table for one document, or the error that stopped it."""

    document_id: str
    records: dict[str, list[dict]] = field(default_factory=dict)
    error: str | None = None
    trace: str | None = None
    timed_out: bool = False


def add_raw_spans(records: list[dict], tm: TextMap) -> list[dict]:
    """Raw-file offsets of each record's clean span, so evidence can be shown in the seed."""
    for r in records:
        r["raw_start"], r["raw_end"] = tm.raw_span(int(r["char_start"]), int(r["char_end"]))
    return records


def extract_records(doc: Mapping) -> dict[str, list[dict]]:
    """table -> records for one cleaned document (raises on an extractor bug). The readers
    remember their answers for this document only (``parse.memo``)."""
    with one_document():
        return _records(doc)


def _records(doc: Mapping) -> dict[str, list[dict]]:
    document_id, text = doc["document_id"], doc["clean_text"]
    tables: list[PipeTable] = find_tables(text)
    tm = _text_map(doc)
    studies = add_raw_spans(extract_studies(document_id, text, tables), tm)
    folded = fold_punctuation(text)  # the field rules read half-width punctuation; one char for one
    return {
        "table_rows": table_row_records(document_id, tables),
        "studies": studies,
        "study_values": [v for s in studies for v in study_values(s, folded, tm.raw_span)],
        "registrations": extract_registrations(document_id, text, tables),
        "references": extract_references(document_id, text),
        "outcomes": add_raw_spans(extract_outcomes(folded, studies), tm),
        "adverse_events": add_raw_spans(extract_adverse_events(folded, studies), tm),
    }


def _text_map(doc: Mapping) -> TextMap:
    return TextMap(doc["clean_text"], decode_runs(json.loads(doc["offset_map"])))


def extract_document(doc: Mapping, timeout: float | None = None) -> Extraction:
    """Every table of one document, within ``timeout`` seconds; an exception or a timeout is
    caught and reported, not raised."""
    try:
        with time_budget(timeout, "extraction"):
            return Extraction(doc["document_id"], extract_records(doc))
    except DocumentTimeout as exc:
        return Extraction(doc["document_id"], {t: [] for t in EXTRACTED_TABLES}, str(exc), timed_out=True)
    except Exception as exc:  # noqa: BLE001 - isolated per document, reported by the caller
        return Extraction(doc["document_id"], {t: [] for t in EXTRACTED_TABLES},
                          f"{type(exc).__name__}: {exc}"[:500], traceback.format_exc(limit=5)[-2000:])


@dataclass
class BatchExtraction:
    """A batch of documents extracted and validated: per table, per document key, a frame."""

    frames: dict[str, Mapping[str, pd.DataFrame]]  # table -> key -> frame (``BatchFrames`` from a batch)
    repairs: dict[str, list[str]] = field(default_factory=dict)  # key -> repairs of its values
    errors: dict[str, Extraction] = field(default_factory=dict)  # key -> the failed extraction


def extract_batch(docs: Mapping[str, Mapping | None], timeout: float | None = None) -> BatchExtraction:
    """Extract every document of ``docs`` (key -> cleaned record, None for a quarantined one),
    each within ``timeout`` seconds, and validate each table once for the whole batch."""
    extractions = {k: extract_document(d, timeout) for k, d in docs.items() if d is not None}
    out = BatchExtraction(frames={t: {} for t in EXTRACTED_TABLES})
    out.errors = {k: e for k, e in extractions.items() if e.error}
    for table in EXTRACTED_TABLES:
        spans, records = {}, []
        for key, extraction in extractions.items():
            rows = extraction.records.get(table, [])
            spans[key] = (len(records), len(records) + len(rows))
            records.extend(rows)
        validated = frame_for(contract(table), records)
        for repair in validated.repairs:
            key = next(k for k, (a, b) in spans.items() if a <= repair.row < b)
            out.repairs.setdefault(key, []).append(f"{table} row {repair.row - spans[key][0]}: {repair.text}")
        index = validated.frame.index  # ascending: repairs only drop rows
        positions = {key: (int(index.searchsorted(a)), int(index.searchsorted(b)))
                     for key, (a, b) in ((k, spans.get(k, (0, 0))) for k in docs)}
        out.frames[table] = BatchFrames(contract(table), validated.frame.reset_index(drop=True), positions)
    return out


def extract_in_pool(docs: Mapping[str, Mapping | None], pool: PoolConfig | None = None,
                    timeout: float | None = None) -> BatchExtraction:
    """``extract_batch`` over chunks of the batch on the pool (each chunk validated once per
    table, each document within ``timeout`` seconds), merged back in the batch's order: what
    the extraction asset runs."""
    out = BatchExtraction(frames={t: {} for t in EXTRACTED_TABLES})
    for part in run_chunks(call(_extract_pairs, timeout), list(docs.items()), pool):
        for table, frames in part.frames.items():
            out.frames[table].update(frames)
        out.repairs.update(part.repairs)
        out.errors.update(part.errors)
    return out


def _extract_pairs(pairs, timeout: float | None = None) -> BatchExtraction:
    return extract_batch(dict(pairs), timeout)

def failed_extraction_quarantine(docs: Mapping[str, Mapping | None], batch: BatchExtraction) -> dict[str, dict]:
    """{key: quarantine record} of every document whose extraction raised or ran out of time:
    such a document is quarantined with the reason, never published with no rows."""
    from ..clean.document import quarantine_record
    from ..contracts.reasons import EXTRACTION_FAILED, TIMEOUT

    return {k: quarantine_record(docs[k], "extract", TIMEOUT if e.timed_out else EXTRACTION_FAILED, e.error or "")
            for k, e in batch.errors.items() if docs.get(k) is not None}
