"""Model discovery: one SQL file per model, dependencies from the SQL, topological order."""

from __future__ import annotations

from pathlib import Path

import pytest

from mscflow.contracts import CONTRACTS
from mscflow.warehouse.models import discover_models, parse_header, read_relations


def test_every_layer_and_contract_table_is_discovered():
    relations = [m.relation for m in discover_models()]
    for table in ("documents", "quarantine", "table_rows", "studies", "study_values", "registrations", "references",
                  "outcomes", "adverse_events"):
        assert f"staging.{table}" in relations and f"core.{table}" in relations
    for mart in ("evidence_by_disease", "cell_source_by_disease", "dose_by_route", "registry_status",
                 "document_quality", "efficacy_by_disease", "safety_by_cell_source"):
        assert f"marts.{mart}" in relations


def test_models_come_after_everything_they_read():
    models = discover_models()
    position = {m.relation: i for i, m in enumerate(models)}
    for m in models:
        for dep in m.model_deps:
            assert position[dep] < position[m.relation], (dep, m.relation)
    quality = next(m for m in models if m.relation == "marts.document_quality")
    assert set(quality.deps) == {"core.documents", "core.table_rows", "core.studies", "core.registrations",
                                 "core.references"}


def test_dependencies_come_from_the_sql_not_ctes():
    sql = 'WITH x AS (SELECT * FROM core.studies) SELECT * FROM x JOIN core."references" USING (document_id)'
    assert read_relations(sql) == ("core.references", "core.studies")


def test_header_gives_description_columns_and_tags():
    desc, cols, tags = parse_header("-- One row per thing.\n-- More.\n-- @column n: Count\n-- @materialized: view\nSELECT 1")
    assert desc == "One row per thing. More."
    assert cols == {"n": "Count"}
    assert tags == {"materialized": "view"}


def test_landing_contract_is_what_staging_reads():
    staging = [m for m in discover_models() if m.layer == "staging"]
    cols = {m.name: CONTRACTS[m.name].columns for m in staging}
    for m in staging:  # the generated view reads (and casts) exactly the contract's columns
        assert all(f'"{c}"' in m.sql for c in cols[m.name]) and m.deps == (f"landing.{m.name}",)
    assert {"study_id", "document_id", "dose_per_kg", "cluster_id"} <= set(cols["studies"])
    assert set(cols) == {"documents", "quarantine", "table_rows", "studies", "study_values", "registrations", "references",
                         "outcomes", "adverse_events"}


def _write(root: Path, layer: str, name: str, sql: str) -> None:
    (root / layer).mkdir(parents=True, exist_ok=True)
    (root / layer / f"{name}.sql").write_text(sql)


def test_cycle_and_unknown_model_fail_clearly(tmp_path: Path):
    _write(tmp_path, "core", "a", "-- A\nSELECT * FROM core.b")
    _write(tmp_path, "core", "b", "-- B\nSELECT * FROM core.a")
    with pytest.raises(ValueError, match="cycle"):
        discover_models(tmp_path)
    _write(tmp_path, "core", "b", "-- B\nSELECT * FROM core.nope")
    with pytest.raises(ValueError, match="unknown model"):
        discover_models(tmp_path)


def test_model_without_header_is_rejected(tmp_path: Path):
    _write(tmp_path, "marts", "m", "SELECT 1 AS x")
    with pytest.raises(ValueError, match="header"):
        discover_models(tmp_path)
