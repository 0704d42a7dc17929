"""The document stages from store to store: the pool's workers read their chunk from the store
and write their output to it, and the rows are exactly those of the in-memory batch functions.
Only keys and counts come back to the caller."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mscflow import store
from mscflow.clean.document import clean_batch
from mscflow.clean.stored import clean_in_store
from mscflow.contracts import CONTRACTS, EXTRACTED_TABLES, contract
from mscflow.contracts.frames import empty_frame, frame_for
from mscflow.eval.corpus import read_files
from mscflow.eval.synthetic import write_corpus
from mscflow.extract.document import extract_batch
from mscflow.extract.stored import extract_in_store
from mscflow.pool import PoolConfig
from mscflow.settings import load_settings

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
POOL = PoolConfig(workers=2, min_batch=2, chunk_size=3)


def _row(key: str) -> pd.DataFrame:
    return pd.DataFrame({"source_path": [key], "sha256": ["0" * 64]})


def test_a_stored_batch_reads_on_access_and_knows_its_counts(tmp_path):
    frames = {"a.txt": _row("a.txt"), "b.txt": _row("b.txt").iloc[:0], "c.txt": _row("c.txt")}
    stored = store.store_frames(tmp_path, "processed", frames)
    assert stored.rows == {"a.txt": 1, "b.txt": 0, "c.txt": 1}
    assert list(stored.head["source_path"]) == ["a.txt", "c.txt"]
    assert stored.columns == ("source_path", "sha256")
    again = store.StoredFrames(tmp_path, "processed", ("c.txt", "a.txt"))
    assert list(again) == ["c.txt", "a.txt"] and again["a.txt"].equals(frames["a.txt"])
    with pytest.raises(KeyError):
        again["b.txt"]  # not in this handle, though stored
    with pytest.raises(FileNotFoundError, match="materialize it first"):
        store.StoredFrames(tmp_path, "processed", ("never.txt",))["never.txt"]
    merged = store.StoredFrames.merge([stored.subset([]), store.store_frames(tmp_path, "processed", {"d.txt": _row("d.txt")})])
    assert merged.keys == ("d.txt",) and merged.rows == {"d.txt": 1} and len(merged.head) == 1


def test_a_batch_whose_frames_differ_in_columns_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match="differ in their columns"):
        store.store_frames(tmp_path, "quarantine", {"a.txt": _row("a.txt"), "b.txt": empty_frame(CONTRACTS["quarantine"])})
    assert not (tmp_path / "quarantine").exists()


def test_the_stages_on_the_pool_store_the_rows_of_the_in_memory_batch(tmp_path):
    paths = write_corpus(SEEDS, tmp_path / "seeds", 12)
    (tmp_path / "seeds" / "empty.txt").write_bytes(b"")  # quarantined at reading: no document
    paths.append(tmp_path / "seeds" / "empty.txt")
    records = {k: r.record() for k, r in read_files(paths, load_settings()).items()}
    raw = frame_for(contract("raw_documents"), list(records.values())).frame
    store_dir = tmp_path / "store"
    stored_raw = store.store_frames(store_dir, "raw_documents",
                                    {k: raw.iloc[[i]].reset_index(drop=True) for i, k in enumerate(records)})

    cleaned = clean_in_store(stored_raw, "t2s", POOL)
    extracted = extract_in_store(cleaned.documents, cleaned.quarantine, POOL)

    in_memory = clean_batch(records, "t2s")
    assert cleaned.documents.keys == tuple(records) and set(cleaned.quarantined) == {"empty.txt"}
    for key in records:
        assert store.read_frame(store_dir, "documents", key).equals(in_memory.documents[key]), key
    docs = {k: (f.iloc[0].to_dict() if len(f) else None) for k, f in in_memory.documents.items()}
    expected = extract_batch(docs)
    for table in EXTRACTED_TABLES:
        assert extracted.frames[table].rows == {k: len(f) for k, f in expected.frames[table].items()}, table
        for key in records:
            assert store.read_frame(store_dir, table, key).equals(expected.frames[table][key]), (table, key)
    assert extracted.versions == {k: r["sha256"] for k, r in records.items()}  # the quarantined one too
    assert sum(extracted.frames["studies"].rows.values()) > 12 and not extracted.errors
