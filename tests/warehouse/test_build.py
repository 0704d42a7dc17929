"""Build from synthetic staged Parquet: comments, marts against core, determinism, dictionary."""

from __future__ import annotations

import json
import statistics

import pandas as pd
import pytest

from mscflow.settings import Settings
from mscflow.warehouse.build import build, connect
from mscflow.warehouse.comments import uncommented
from mscflow.warehouse.dictionary import DICTIONARY_PATH, generate_dictionary


def _frame(path, sql: str) -> pd.DataFrame:
    with connect(path, read_only=True) as con:
        return con.execute(sql).df()


def test_counts_reconcile_with_the_stage(wh_settings: Settings):
    result = build(wh_settings)
    assert result.landing_rows == {"documents": 2, "quarantine": 1, "table_rows": 5, "studies": 3,
                                   "study_values": 0, "registrations": 2, "references": 1, "outcomes": 0,
                                   "adverse_events": 0}
    for table, n in result.landing_rows.items():
        assert result.model_rows[f"core.{table}"] == n


def test_every_table_and_column_has_a_comment(wh_settings: Settings, wh_data):
    wh_data.require_contracts()
    result = build(wh_settings)
    with connect(result.path, read_only=True) as con:
        assert uncommented(con, ("landing", "staging", "core", "marts")) == []
        # marts comments come from the SQL header, core ones from pandera
        comment = con.execute("SELECT comment FROM duckdb_columns() WHERE schema_name='marts' "
                              "AND table_name='dose_by_route' AND column_name='dose_unit'").fetchone()[0]
        assert "cells_per_kg" in comment


def test_empty_stage_builds_every_model(tmp_path):
    settings = Settings(seeds_dir=tmp_path / "s", warehouse_path=tmp_path / "w" / "mscflow.duckdb")
    result = build(settings)
    assert result.model_rows and all(n == 0 for n in result.model_rows.values())


def test_marts_agree_with_core(wh_settings: Settings, wh_data):
    path = build(wh_settings).path
    a, b = wh_data.DOC_A[:16], wh_data.DOC_B[:16]
    studies = _frame(path, "SELECT * FROM core.studies")

    ev = _frame(path, "SELECT * FROM marts.evidence_by_disease").set_index("disease").loc["knee_osteoarthritis"]
    assert ev.n_studies == len(studies)
    clusters = studies.assign(key=studies.cluster_id.fillna(studies.study_id)).groupby("key")
    assert ev.n_distinct_studies == clusters.ngroups == 2
    assert ev.n_patients == clusters.n_total.max().sum() == 70
    assert ev.n_patients_treated == 20 + 40  # stated arm size; single-arm study: everyone
    assert ev.n_rct == 1
    assert ev.cell_sources == "adipose, bone_marrow"
    assert ev.median_follow_up_months == statistics.median(clusters.follow_up_months.max()) == 18

    dose = _frame(path, "SELECT * FROM marts.dose_by_route").set_index(["route", "tissue_source", "dose_unit"])
    assert dose.loc[("intravenous", "adipose", "cells_per_kg")].median_dose == 1.5e6
    bm = dose.loc[("intra_articular", "bone_marrow", "cells")]
    assert (bm.min_dose, bm.median_dose, bm.max_dose) == (1e7, 5.5e7, 1e8)
    assert "cells_per_kg" not in dose.xs("intra_articular").index.get_level_values("dose_unit")

    reg = _frame(path, "SELECT * FROM marts.registry_status")
    assert sorted(zip(reg.status, reg.intervention_type, reg.n_registrations, strict=True)) == [
        ("completed", "biological", 1), ("unknown", "biological", 1), ("unknown", "drug", 1)]

    cs = _frame(path, "SELECT * FROM marts.cell_source_by_disease")
    assert cs.n_studies.sum() == len(studies)

    dq = _frame(path, "SELECT * FROM marts.document_quality").set_index("document_id")
    assert dq.loc[a, ["n_tables", "n_trial_tables", "n_table_rows", "n_studies", "n_table_row_studies"]].tolist() == [1, 1, 3, 3, 2]
    assert dq.loc[a].share_table_rows_with_study == pytest.approx(2 / 3)
    assert dq.loc[a].n_repairs == 5 + 2
    assert dq.loc[b, ["n_trial_tables", "n_registrations", "n_references", "n_studies"]].tolist() == [0, 2, 1, 0]


def test_rebuild_from_unchanged_input_is_identical(wh_settings: Settings, wh_data):
    first = wh_data.table_digest(build(wh_settings).path)
    second = wh_data.table_digest(build(wh_settings).path)
    assert first == second and len(first) == 18  # 9 core tables, 9 marts


def test_rebuild_does_not_depend_on_stage_file_order(tmp_path, wh_data):
    """Documents land in key order whatever order their Parquet files were written in."""
    digests = []
    for order in (1, -1):
        frames = {t: dict(list(parts.items())[::order]) for t, parts in wh_data.landing_frames().items()}
        settings = Settings(seeds_dir=tmp_path / "s", warehouse_path=tmp_path / f"w{order}" / "mscflow.duckdb")
        wh_data.write_store(settings.store_dir, frames)
        digests.append(wh_data.table_digest(build(settings).path))
    assert digests[0] == digests[1]


def test_removed_document_disappears_everywhere(wh_settings: Settings, wh_data):
    from mscflow import store

    store.remove_document(wh_settings.store_dir, "b.txt")
    path = build(wh_settings).path
    b = wh_data.DOC_B[:16]
    for table in ("documents", "table_rows", "registrations", "references"):
        assert _frame(path, f'SELECT count(*) n FROM core."{table}" WHERE document_id = \'{b}\'').n[0] == 0
    assert _frame(path, "SELECT count(*) n FROM marts.registry_status").n[0] == 0


def test_data_dictionary_is_current(wh_data):
    wh_data.require_contracts()
    assert DICTIONARY_PATH.read_text(encoding="utf-8") == generate_dictionary(), (
        "docs/warehouse.md is stale: run python -m mscflow.warehouse.dictionary")


def test_json_columns_survive(wh_settings: Settings, wh_data):
    path = build(wh_settings).path
    header = _frame(path, f"SELECT header FROM core.table_rows WHERE document_id = '{wh_data.DOC_A[:16]}'").header[0]
    assert json.loads(header)[1] == "入组患者"
