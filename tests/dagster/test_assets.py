"""In-process Dagster materializations of the document assets over the real seeds."""

from __future__ import annotations

import dagster as dg
import pytest

from mscflow import store
from mscflow.cli.runner import load_project_defs
from mscflow.defs.partitions import document_run_tags, seed_documents
from mscflow.settings import load_settings


@pytest.fixture
def run(project_env):
    instance = dg.DagsterInstance.ephemeral()
    settings = load_settings()
    keys = sorted(p.name for p in settings.seeds_dir.iterdir())
    instance.add_dynamic_partitions(seed_documents.name, keys)
    defs = load_project_defs()
    doc_assets = [a for a in defs.assets if isinstance(a, dg.AssetsDefinition) and a.partitions_def == seed_documents]
    (tags,) = document_run_tags(instance, keys)
    result = dg.materialize(doc_assets, instance=instance, resources=defs.resources, tags=tags)
    return result, settings, keys


def test_document_assets_materialize_in_one_run_with_passing_checks(run):
    result, settings, keys = run
    assert result.success
    evaluations = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    for name in ("no_pinyin_readings_left", "no_html_tags_left", "text_is_simplified",
                 "every_file_cleaned_or_quarantined", "rows_reconcile"):
        assert evaluations[name] is True, name
    for table in ("raw_documents", "documents", "quarantine", "table_rows", "studies", "registrations", "references"):
        assert store.stored_keys(settings.store_dir, table) == keys, table


def test_each_partition_has_its_own_row_count_and_preview(run):
    result, _, keys = run
    by_partition = {m.partition: m.metadata for m in result.asset_materializations_for_node("clean_documents")
                    if m.asset_key == dg.AssetKey("documents")}
    assert set(by_partition) == set(keys)
    assert all(meta["dagster/row_count"].value == 1 for meta in by_partition.values())
    tables = {m.partition: m.metadata["dagster/row_count"].value for m in result.asset_materializations_for_node("extract")
              if m.asset_key == dg.AssetKey("table_rows")}
    assert sorted(tables.values()) == [0, 0, 13, 21, 37]
    assert "preview" in by_partition[keys[0]]
    damaged = {k: meta["n_damaged_spans"].value for k, meta in by_partition.items()}
    assert damaged["002_3f2e8c28027ac12c.txt"] >= 5


def test_stored_frames_match_their_contracts_and_carry_provenance(run):
    _, settings, _ = run
    studies = store.read_table(settings.store_dir, "studies")
    docs = store.read_table(settings.store_dir, "documents").set_index("document_id")
    assert len(studies) > 50
    for row in studies.itertuples():
        text = docs.loc[row.document_id, "clean_text"]
        assert text[row.char_start : row.char_end] == row.evidence_text
        assert 0 <= row.raw_start <= row.raw_end
    regs = store.read_table(settings.store_dir, "registrations")
    assert regs["nct_id"].str.fullmatch(r"NCT\d{8}").all() and len(regs) == 37


def test_definitions_load_with_metadata():
    defs = load_project_defs()
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description, key
        assert node.owners, key
        assert node.group_name, key
    assert defs.resolve_sensor_def("seed_files_sensor")
    assert defs.resolve_schedule_def("daily_rebuild_schedule")


def test_pandera_models_are_the_dagster_types():
    import pandas as pd

    from mscflow.contracts import contract
    from mscflow.defs.types import frames_type

    good = {"a.txt": pd.DataFrame([{"source_path": "a.txt", "sha256": "0" * 64, "stage": "raw_documents",
                                    "reason": "empty_file", "detail": "0 bytes"}])}
    bad = {"b.txt": good["a.txt"].drop(columns=["detail"])}
    assert dg.check_dagster_type(frames_type(contract("quarantine")), good).success
    result = dg.check_dagster_type(frames_type(contract("quarantine")), bad)
    assert not result.success and "b.txt" in result.description and "detail" in result.description


def test_values_are_validated_once_where_the_frames_are_made():
    """The type checks the shape; the contract's row checks ran in ``frame_for`` (once per batch)."""
    from mscflow.contracts import contract
    from mscflow.contracts.frames import frame_for

    record = {"source_path": "b.txt", "sha256": "0" * 64, "stage": "raw_documents", "reason": "felt_like_it", "detail": ""}
    validated = frame_for(contract("quarantine"), [record])
    assert validated.frame.empty and "reason='felt_like_it'" in validated.repairs[0].text


def test_one_bad_document_is_quarantined_and_the_run_goes_on(project_env):
    """A page whose clean text breaks an invariant no longer stops the run for the others."""
    instance = dg.DagsterInstance.ephemeral()
    settings = load_settings()
    (settings.seeds_dir / "zz_odd.txt").write_text("间充质干细胞(xìbāoo)治疗膝骨关节炎,纳入30例患者。", encoding="utf-8")
    keys = sorted(p.name for p in settings.seeds_dir.iterdir())
    instance.add_dynamic_partitions(seed_documents.name, keys)
    defs = load_project_defs()
    doc_assets = [a for a in defs.assets if isinstance(a, dg.AssetsDefinition) and a.partitions_def == seed_documents]
    (tags,) = document_run_tags(instance, keys)
    result = dg.materialize(doc_assets, instance=instance, resources=defs.resources, tags=tags)
    assert result.success
    assert all(e.passed for e in result.get_asset_check_evaluations() if e.check_name != "gold_score")
    quarantined = store.read_table(settings.store_dir, "quarantine")
    assert quarantined.set_index("source_path").loc["zz_odd.txt", "reason"] == "failed_check"
    assert len(store.read_table(settings.store_dir, "documents")) == 5


def test_the_run_says_the_rows_of_the_whole_table(run):
    """A partition's row count is its document's; the whole table's is on every materialization."""
    result, _, keys = run
    rows = {m.metadata["rows_in_table"].value for m in result.asset_materializations_for_node("extract")
            if m.asset_key == dg.AssetKey("table_rows")}
    assert rows == {13 + 21 + 37}
