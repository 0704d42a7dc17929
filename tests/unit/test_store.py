"""The document store's files: a document with no row in a table leaves an ``.empty`` marker,
never an empty Parquet file, and every store operation treats the two forms alike."""

import pandas as pd
import pytest

from mscflow import store
from mscflow.contracts import CONTRACTS
from mscflow.contracts.frames import empty_frame
from mscflow.store.layout import empty_file


def _row(key: str) -> pd.DataFrame:
    return pd.DataFrame({"source_path": [key], "sha256": ["0" * 64]})


def test_an_empty_frame_is_a_marker_and_reads_back_as_the_contracts_empty_frame(tmp_path):
    path = store.write_frame(tmp_path, "quarantine", "a.txt", empty_frame(CONTRACTS["quarantine"]))
    assert path == empty_file(tmp_path, "quarantine", "a.txt") and path.read_text(encoding="utf-8") == "a.txt"
    assert not store.store_file(tmp_path, "quarantine", "a.txt").exists()
    back = store.read_frame(tmp_path, "quarantine", "a.txt")
    assert back.empty and list(back.columns) == list(CONTRACTS["quarantine"].columns)
    assert store.stored_keys(tmp_path, "quarantine") == ["a.txt"]
    assert store.stored_rows(tmp_path, "quarantine") == 0


def test_rows_replace_the_marker_and_a_marker_replaces_rows(tmp_path):
    contract = CONTRACTS["documents"]
    rows = pd.concat([empty_frame(contract), _row("a.txt")], ignore_index=True)[list(contract.columns)]
    store.write_frame(tmp_path, "documents", "a.txt", empty_frame(contract))
    store.write_frame(tmp_path, "documents", "a.txt", rows)
    assert store.store_file(tmp_path, "documents", "a.txt").exists()
    assert not empty_file(tmp_path, "documents", "a.txt").exists()
    assert len(store.read_frame(tmp_path, "documents", "a.txt")) == 1
    store.write_frame(tmp_path, "documents", "a.txt", rows.iloc[:0])
    assert not store.store_file(tmp_path, "documents", "a.txt").exists()
    assert store.read_frame(tmp_path, "documents", "a.txt").empty


def test_rename_and_remove_move_and_forget_markers_too(tmp_path):
    store.write_frame(tmp_path, "references", "old.txt", empty_frame(CONTRACTS["references"]))
    store.rename_document(tmp_path, "old.txt", "new.txt")
    assert store.stored_keys(tmp_path, "references") == ["new.txt"]
    assert store.remove_document(tmp_path, "new.txt") == [empty_file(tmp_path, "references", "new.txt")]
    assert store.stored_keys(tmp_path, "references") == []
    with pytest.raises(FileNotFoundError, match="materialize it first"):
        store.read_frame(tmp_path, "references", "new.txt")


def test_the_processed_markers_stay_parquet(tmp_path):
    store.mark_processed(tmp_path, {"a.txt": "0" * 64})
    assert store.stored_state(tmp_path) == {"a.txt": "0" * 64}


def _documents(keys: list[str]) -> pd.DataFrame:
    contract = CONTRACTS["documents"]
    return pd.concat([empty_frame(contract), *(_row(k) for k in keys)], ignore_index=True)[list(contract.columns)]


def test_stored_rows_follow_every_write_and_removal(tmp_path):
    """The row counts come from a cache keyed by each file's stat: a rewritten, emptied or
    removed document must still be counted right, and a broken cache is only re-read."""
    for key, n in (("a.txt", 2), ("b.txt", 3), ("c.txt", 1)):
        store.write_frame(tmp_path, "documents", key, _documents([key] * n))
    assert store.stored_rows(tmp_path, "documents") == 6
    assert store.stored_rows(tmp_path, "documents", exclude={"b.txt"}) == 3
    store.write_frame(tmp_path, "documents", "a.txt", _documents(["a.txt"] * 5))  # rewritten
    store.write_frame(tmp_path, "documents", "c.txt", _documents([]))  # now without rows
    assert store.stored_rows(tmp_path, "documents") == 8
    store.remove_document(tmp_path, "b.txt")
    assert store.stored_rows(tmp_path, "documents") == 5
    (tmp_path / store.layout.ROW_COUNTS / "documents.json").write_text("{not json", encoding="utf-8")
    assert store.stored_rows(tmp_path, "documents") == 5


def test_stored_rows_trust_the_cache_only_for_the_same_file_version(tmp_path):
    import json

    store.write_frame(tmp_path, "documents", "a.txt", _documents(["a.txt"] * 2))
    assert store.stored_rows(tmp_path, "documents") == 2
    cache = tmp_path / store.layout.ROW_COUNTS / "documents.json"
    counts = json.loads(cache.read_text(encoding="utf-8"))
    (name,) = counts
    cache.write_text(json.dumps({name: [*counts[name][:3], 40]}), encoding="utf-8")
    assert store.stored_rows(tmp_path, "documents") == 40  # same stat: the footer is not read again
    store.write_frame(tmp_path, "documents", "a.txt", _documents(["a.txt"] * 2))
    assert store.stored_rows(tmp_path, "documents") == 2  # a new version of the file: read again
