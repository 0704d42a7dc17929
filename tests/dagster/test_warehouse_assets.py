"""The Dagster layer: generated model assets, the blocking gate, publish after the gate."""

from __future__ import annotations

import hashlib

import dagster as dg

from mscflow.defs import warehouse as wh
from mscflow.defs.resources import MscflowConfig
from mscflow.settings import Settings
from mscflow.warehouse.build import build
from mscflow.warehouse.publish import publish


def _run(settings: Settings) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [wh.warehouse_landing, *wh.model_assets, wh.published_warehouse, wh.warehouse_quality_gate],
        resources={"mscflow": MscflowConfig.from_settings(settings)},
        raise_on_error=False,
    )


def test_model_assets_follow_the_sql():
    models = wh.warehouse_models  # one step builds them all; each model is its own asset
    quality_key = dg.AssetKey(["marts", "document_quality"])
    deps = {d for d in models.asset_deps[quality_key]}
    assert dg.AssetKey(["core", "studies"]) in deps and dg.AssetKey(["core", "documents"]) in deps
    assert models.asset_deps[dg.AssetKey(["staging", "studies"])] == {wh.LANDING_KEY}
    assert models.group_names_by_key[quality_key] == "warehouse_marts"
    assert set(models.specs_by_key[quality_key].kinds) == {"duckdb", "sql"}
    assert models.descriptions_by_key[quality_key].startswith("Per document")
    refs = models.specs_by_key[quality_key].metadata["dagster/code_references"].code_references
    assert any(r.file_path.endswith("sql/marts/document_quality.sql") for r in refs)


def test_failed_gate_blocks_publish(wh_settings: Settings, wh_data):
    publish(build(wh_settings).path, wh_settings.warehouse_path)
    before = hashlib.sha256(wh_settings.warehouse_path.read_bytes()).hexdigest()
    frames = wh_data.landing_frames()
    frames["studies"]["a.txt"].loc[0, "document_id"] = "0" * 16
    wh_data.write_store(wh_settings.store_dir, frames)

    result = _run(wh_settings)

    assert not result.success
    evaluations = {(e.asset_key.to_user_string(), e.passed) for e in result.get_asset_check_evaluations()}
    assert ("core/studies", False) in evaluations
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["core", "studies"]) in materialized
    assert dg.AssetKey("published_warehouse") not in materialized
    assert hashlib.sha256(wh_settings.warehouse_path.read_bytes()).hexdigest() == before


def test_good_build_publishes_with_metadata(wh_settings: Settings, wh_data):
    wh_data.require_contracts()
    result = _run(wh_settings)
    assert result.success
    assert wh_settings.warehouse_path.exists()
    meta = next(e.materialization.metadata for e in result.get_asset_materialization_events()
                if e.asset_key == dg.AssetKey(["marts", "document_quality"]))
    assert meta["dagster/row_count"].value == 2
    assert any(c.name == "share_table_rows_with_study" and c.description
               for c in meta["dagster/column_schema"].schema.columns)


def test_every_gate_check_is_labelled_blocking_as_it_behaves():
    """A failed gate suite on any core table or mart stops the publish: every spec says so."""
    specs = list(wh.warehouse_quality_gate.check_specs)
    assert {s.asset_key for s in specs} == {wh.model_key(m.relation) for m in wh.GATED}
    assert all(s.blocking for s in specs)
    assert all(s.metadata.get("stops_publish") is True for s in specs)
