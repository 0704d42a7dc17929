"""The kept build file updated with only the changed store files equals a clean landing.

Real Parquet store files and real DuckDB build files: after every step of a sequence of store
changes (a document rewritten, removed, added, a column typed for the first time, a near-
duplicate arriving and going), the incrementally landed build file's landing tables, core
tables and marts are identical, row for row and in stored order, to a clean build's."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd

from mscflow import store
from mscflow.settings import SQL_DIR, Settings
from mscflow.warehouse.build import build_path, connect, land_build_file, run_models
from mscflow.warehouse.landing import STATE
from mscflow.warehouse.models import discover_models

MODELS = discover_models(SQL_DIR)


def _built(settings: Settings, incremental: bool, path=None):
    """Land (incrementally or afresh) and run every model; return the file and the landing."""
    path = path or build_path(settings)
    landed = land_build_file(path, settings.store_dir, incremental=incremental)
    run_models(path, MODELS)
    return path, landed


def _same_as_clean(settings: Settings, wh_data, tmp_path, step: str) -> bool:
    """Incremental update of the kept file vs a clean build of a copy of the same store."""
    path, landed = _built(settings, incremental=True)
    clean = tmp_path / f"clean-{step}.duckdb"
    _built(settings, incremental=False, path=clean)
    schemas = ("landing", "core", "marts")
    assert wh_data.table_digest(path, schemas) == wh_data.table_digest(clean, schemas), step
    return landed.incremental


def _edit(settings: Settings, table: str, key: str, change) -> None:
    store.write_frame(settings.store_dir, table, key, change(store.read_frame(settings.store_dir, table, key)))


def test_every_refresh_equals_a_clean_build(wh_settings: Settings, wh_data, tmp_path):
    first = _built(wh_settings, incremental=True)[1]
    assert not first.incremental  # no kept build file yet: a full landing
    assert _same_as_clean(wh_settings, wh_data, tmp_path, "nothing changed")

    _edit(wh_settings, "table_rows", "a.txt", lambda f: f.iloc[:2])
    assert _same_as_clean(wh_settings, wh_data, tmp_path, "rows removed from one document")

    store.remove_document(wh_settings.store_dir, "b.txt")
    assert _same_as_clean(wh_settings, wh_data, tmp_path, "a document removed")

    frames = wh_data.landing_frames()
    wh_data.write_store(wh_settings.store_dir, {t: {"b.txt": parts["b.txt"]} for t, parts in frames.items()
                                                if "b.txt" in parts})
    assert _same_as_clean(wh_settings, wh_data, tmp_path, "a document back")

    kept = store.read_frame(wh_settings.store_dir, "table_rows", "a.txt")
    _edit(wh_settings, "table_rows", "a.txt", lambda f: f.iloc[:0])  # stored as an .empty marker
    assert not store.store_file(wh_settings.store_dir, "table_rows", "a.txt").exists()
    assert _same_as_clean(wh_settings, wh_data, tmp_path, "every row of one document's table gone")
    store.write_frame(wh_settings.store_dir, "table_rows", "a.txt", kept)
    assert _same_as_clean(wh_settings, wh_data, tmp_path, "its rows back")

    # study_values has no typed column yet (every file empty): a real type lands the table whole
    row = {"study_id": "s" * 16, "document_id": wh_data.DOC_A[:16], "field": "n_total", "value": "30",
           "char_start": 1, "char_end": 3, "raw_start": 1, "raw_end": 3, "rule": "r"}
    store.write_frame(wh_settings.store_dir, "study_values", "a.txt", pd.DataFrame([row]))
    assert _same_as_clean(wh_settings, wh_data, tmp_path, "a column typed for the first time")

    store.remove_document(wh_settings.store_dir, "a.txt")
    assert _same_as_clean(wh_settings, wh_data, tmp_path, "the only typed file removed")


def test_a_near_duplicate_arriving_and_going(wh_settings: Settings, wh_data, tmp_path):
    _built(wh_settings, incremental=True)
    copy = wh_data.landing_frames()["documents"]["a.txt"].assign(source_path="a.html", sha256="d" * 64)
    store.write_frame(wh_settings.store_dir, "documents", "a.html", copy)
    store.write_frame(wh_settings.store_dir, "table_rows", "a.html",
                      wh_data.landing_frames()["table_rows"]["a.txt"])
    assert _same_as_clean(wh_settings, wh_data, tmp_path, "a copy arrived")
    with connect(build_path(wh_settings), read_only=True) as con:
        reasons = [r for (r,) in con.execute("SELECT reason FROM landing.quarantine").fetchall()]
    assert "near_duplicate" in reasons
    store.remove_document(wh_settings.store_dir, "a.txt")
    assert _same_as_clean(wh_settings, wh_data, tmp_path, "its original went")


def test_a_near_duplicate_when_no_other_file_is_quarantined(wh_settings: Settings, wh_data, tmp_path):
    """Every stored quarantine file empty (its columns typed NULL): the copy's quarantine row,
    made at the landing, still lands (a VARCHAR -> NULL cast failed here once)."""
    store.remove_document(wh_settings.store_dir, "bad.bin")
    _built(wh_settings, incremental=True)
    copy = wh_data.landing_frames()["documents"]["a.txt"].assign(source_path="a.html", sha256="d" * 64)
    store.write_frame(wh_settings.store_dir, "documents", "a.html", copy)
    assert _same_as_clean(wh_settings, wh_data, tmp_path, "a copy arrived, nothing else quarantined")
    with connect(build_path(wh_settings), read_only=True) as con:
        rows = con.execute("SELECT source_path, reason FROM landing.quarantine").fetchall()
    assert len(rows) == 1 and rows[0][0] in {"a.txt", "a.html"} and rows[0][1] == "near_duplicate"


def test_a_build_file_from_other_code_is_landed_afresh(wh_settings: Settings, tmp_path):
    path, _ = _built(wh_settings, incremental=True)
    with duckdb.connect(str(path)) as con:
        con.execute(f"UPDATE {STATE} SET code_version = 'older code'")
    assert not land_build_file(path, wh_settings.store_dir).incremental
    assert land_build_file(path, wh_settings.store_dir).incremental


def test_a_copied_store_is_read_again(wh_settings: Settings, wh_data, tmp_path):
    """A stamp is the file's inode, size and mtime: a store copied elsewhere is read whole."""
    path, _ = _built(wh_settings, incremental=True)
    moved = Settings(seeds_dir=tmp_path / "s2", warehouse_path=tmp_path / "d2" / "mscflow.duckdb")
    shutil.copytree(wh_settings.store_dir, moved.store_dir)
    landed = land_build_file(path, moved.store_dir)
    assert landed.incremental and landed.files_changed == sum(
        len(list((moved.store_dir / t).glob("*.parquet"))) for t in landed.counts)
