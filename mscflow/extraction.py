"""Per-document extraction: cleaned document row -> table rows, studies, registrations, references.

A thin coordinator over ``mscflow.tables`` and ``mscflow.extract``: tables are found once per
text (cached, so the extraction steps of one process share them), raw-file offsets come from
the document's offset map, and every frame is built and validated by its pandera model."""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from functools import lru_cache

import pandas as pd
import pandera.pandas as pa

from .clean.textmap import TextMap, decode_runs
from .extract.references import extract_references
from .extract.registrations import extract_registrations
from .extract.studies import extract_studies
from .schemas.frames import empty_frame, frame_for
from .schemas.references import ReferencesSchema
from .schemas.registrations import RegistrationsSchema
from .schemas.studies import StudiesSchema
from .schemas.table_rows import TableRowsSchema
from .tables import PipeTable, find_tables, table_rows_frame


@lru_cache(maxsize=64)
def _tables(text: str) -> tuple[PipeTable, ...]:
    return tuple(find_tables(text))


def tables_of(doc: dict) -> list[PipeTable]:
    return list(_tables(doc["clean_text"]))


def add_raw_spans(records: list[dict], doc: dict) -> list[dict]:
    """Raw-file offsets of each record's clean span, so evidence can be shown in the seed."""
    tm = TextMap(doc["clean_text"], decode_runs(json.loads(doc["offset_map"])))
    for r in records:
        r["raw_start"], r["raw_end"] = tm.raw_span(int(r["char_start"]), int(r["char_end"]))
    return records


ERRORS = "errors"


def per_document(
    frames: dict[str, pd.DataFrame], fn: Callable[[dict], pd.DataFrame], model: type[pa.DataFrameModel]
) -> dict[str, pd.DataFrame]:
    """Apply ``fn`` to each partition's single document row; quarantined documents give
    empty frames of ``model``, so every partition still lands.

    One article that trips the extractor must not stop the run for all the others: its frame
    is empty and carries the error (``frame.attrs["errors"]``) for the asset's log and check."""
    out: dict[str, pd.DataFrame] = {}
    for key, frame in frames.items():
        if not len(frame):
            out[key] = empty_frame(model)
            continue
        try:
            out[key] = fn(frame.iloc[0].to_dict())
        except Exception as exc:  # noqa: BLE001 - isolated per document, reported by the asset
            out[key] = empty_frame(model)
            out[key].attrs[ERRORS] = [f"{type(exc).__name__}: {exc}"[:500], traceback.format_exc(limit=5)[-2000:]]
    return out


def table_rows_for(doc: dict) -> pd.DataFrame:
    return TableRowsSchema.validate(table_rows_frame(doc["document_id"], tables_of(doc)))


def studies_for(doc: dict) -> pd.DataFrame:
    records = extract_studies(doc["document_id"], doc["clean_text"], tables_of(doc))
    return frame_for(StudiesSchema, add_raw_spans(records, doc))


def registrations_for(doc: dict) -> pd.DataFrame:
    records = extract_registrations(doc["document_id"], doc["clean_text"], tables_of(doc))
    return frame_for(RegistrationsSchema, records)


def references_for(doc: dict) -> pd.DataFrame:
    return frame_for(ReferencesSchema, extract_references(doc["document_id"], doc["clean_text"]))
