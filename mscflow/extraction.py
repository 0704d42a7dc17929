"""Per-document extraction: cleaned document row -> table rows, studies, registrations, references.

A thin coordinator over ``mscflow.tables`` and ``mscflow.extract``: it finds the tables once
per call, adds raw-file offsets through the document's offset map, and validates every frame
against its pandera model so nothing malformed crosses an asset boundary."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache

import pandas as pd

from .clean.textmap import TextMap, decode_runs
from .tables import PipeTable, find_tables


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


def per_document(frames: dict[str, pd.DataFrame], fn: Callable[[dict], pd.DataFrame], empty: Callable[[], pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Apply ``fn`` to each partition's single document row; quarantined documents give empty frames."""
    return {key: (fn(frame.iloc[0].to_dict()) if len(frame) else empty()) for key, frame in frames.items()}
