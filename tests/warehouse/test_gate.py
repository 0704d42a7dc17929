"""The gate blocks bad builds; the published file stays byte-identical; Data Docs work offline."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from mscflow.settings import Settings
from mscflow.warehouse.build import build
from mscflow.warehouse.gate import GateFailed, GateReport, run_gate
from mscflow.warehouse.publish import publish, publish_if_gated


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _build_gate_publish(settings: Settings) -> tuple[GateReport, bool]:
    """The production sequence (the warehouse assets' steps): build, gate, publish if gated."""
    result = build(settings)
    report = run_gate(result.path, settings.quality_dir)
    try:
        publish_if_gated(result.path, settings.warehouse_path, settings.quality_dir)
    except GateFailed:
        return report, False
    return report, True


def _inject(settings: Settings, table: str, key: str, change, wh_data) -> None:
    frames = wh_data.landing_frames()
    frames[table][key] = change(frames[table][key].copy())
    wh_data.write_store(settings.store_dir, frames)


def _orphan_study(f: pd.DataFrame) -> pd.DataFrame:
    f.loc[0, "document_id"] = "0" * 16
    return f


def _duplicate_study(f: pd.DataFrame) -> pd.DataFrame:
    f.loc[1, "study_id"] = f.loc[0, "study_id"]
    return f


def _unknown_disease(f: pd.DataFrame) -> pd.DataFrame:
    f.loc[0, "disease"] = "dragon_pox"
    return f


def _no_studies(f: pd.DataFrame) -> pd.DataFrame:
    return f.iloc[0:0]


BAD = {
    "orphan_study": ("studies", "a.txt", _orphan_study, "core.studies", "references(document_id -> core.documents)"),
    "duplicate_id": ("studies", "a.txt", _duplicate_study, "core.studies", "expect_column_values_to_be_unique(study_id)"),
    "unknown_code": ("studies", "a.txt", _unknown_disease, "core.studies", "expect_column_values_to_be_in_set(disease)"),
    "trial_table_without_study": ("studies", "a.txt", _no_studies, "marts.document_quality",
                                  "expect_column_values_to_be_between(n_studies) where n_trial_tables > 0"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_data_fails_the_gate_and_leaves_the_published_file_byte_identical(wh_settings: Settings, case: str, wh_data):
    publish(build(wh_settings).path, wh_settings.warehouse_path)  # a good warehouse is published
    before = _sha(wh_settings.warehouse_path)
    table, key, change, relation, check = BAD[case]
    _inject(wh_settings, table, key, change, wh_data)

    report, published = _build_gate_publish(wh_settings)

    assert not published
    assert _sha(wh_settings.warehouse_path) == before
    failed = {(o.relation, o.check) for o in report.failures}
    assert (relation, check) in failed, report.summary()
    assert check in report.summary()  # the run says which check failed and why
    with pytest.raises(GateFailed, match=re.escape(check)):
        publish_if_gated(report.build_file, wh_settings.warehouse_path, wh_settings.quality_dir)
    assert _sha(wh_settings.warehouse_path) == before


def test_referential_integrity_is_an_anti_join_that_names_the_orphans():
    """Referential checks run in DuckDB (not as GX value sets of every id): a value or result
    whose study is not in core.studies fails, nulls do not."""
    import duckdb

    from mscflow.warehouse.gate import _reference_outcomes

    con = duckdb.connect()
    con.execute("CREATE SCHEMA core; CREATE TABLE core.documents (document_id VARCHAR); "
                "CREATE TABLE core.studies (study_id VARCHAR, document_id VARCHAR); "
                "CREATE TABLE core.outcomes (study_id VARCHAR, document_id VARCHAR); "
                "INSERT INTO core.documents VALUES ('d1'); INSERT INTO core.studies VALUES ('s1', 'd1'); "
                "INSERT INTO core.outcomes VALUES ('s1', 'd1'), ('s9', 'd1'), ('s9', 'd1'), (NULL, 'd1')")
    outcomes = {(o.relation, o.check): o for o in
                _reference_outcomes(con, ["core.documents", "core.studies", "core.outcomes"])}
    assert outcomes[("core.studies", "references(document_id -> core.documents)")].passed
    assert outcomes[("core.outcomes", "references(document_id -> core.documents)")].passed
    orphan = outcomes[("core.outcomes", "references(study_id -> core.studies)")]
    assert not orphan.passed and "2 row(s)" in orphan.detail and "s9" in orphan.detail


def test_good_build_passes_and_publishes(wh_settings: Settings, wh_data):
    wh_data.require_contracts()
    report, published = _build_gate_publish(wh_settings)
    assert report.passed, report.summary()
    assert published and wh_settings.warehouse_path.exists()


def test_row_count_reconciliation_is_checked(wh_settings: Settings, wh_data):
    result = build(wh_settings)
    import duckdb

    con = duckdb.connect(str(result.path))
    con.execute(f"DELETE FROM core.table_rows WHERE document_id = '{wh_data.DOC_A[:16]}' AND row_index = 2")
    con.close()
    report = run_gate(result.path)
    assert ("core.table_rows", "expect_table_row_count_to_equal") in {(o.relation, o.check) for o in report.failures}


def test_data_docs_index_exists_and_is_offline(wh_settings: Settings):
    report = run_gate(build(wh_settings).path, wh_settings.quality_dir)
    index = report.data_docs_index
    assert index is not None and index.exists()
    html = index.read_text(encoding="utf-8")
    assert "core.studies" in html and "marts.dose_by_route" in html
    assert not re.search(r'(src|href)="https?://[^"]*\.(js|css)', html), "Data Docs still load from a CDN"
    assert (wh_settings.quality_dir / "gate.json").exists()


def test_data_docs_open_in_headless_chromium(wh_settings: Settings, tmp_path: Path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    index = run_gate(build(wh_settings).path, wh_settings.quality_dir).data_docs_index
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", index.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", dom, flags=re.S))
    # the results table is rendered (by the offline stand-in for bootstrap-table) with every suite
    for suite in ("core.documents", "core.studies", "marts.evidence_by_disease", "marts.document_quality"):
        assert suite in text
    assert re.search(r"\b(Success|Failed)\b", text)


def test_a_build_that_loses_documents_or_empties_tables_is_refused(wh_settings: Settings, wh_data):
    """AACT-style post-load check: what the change does not explain is not published."""
    from mscflow import store

    publish(build(wh_settings).path, wh_settings.warehouse_path)
    before = _sha(wh_settings.warehouse_path)
    store.remove_document(wh_settings.store_dir, "b.txt")  # b.txt's rows vanish, its seed file is still there
    report = run_gate(build(wh_settings).path, wh_settings.quality_dir, published=wh_settings.warehouse_path,
                      seeds={"a.txt", "b.txt", "bad.bin"})
    loss = next(o for o in report.outcomes if o.check == "no_unexplained_loss")
    assert not loss.passed and "b.txt" in loss.detail
    with pytest.raises(GateFailed, match="lost though their seed file is still there"):
        publish_if_gated(report.build_file, wh_settings.warehouse_path, wh_settings.quality_dir)
    assert _sha(wh_settings.warehouse_path) == before
    # the same build after b.txt's seed file was removed is explained by the change: it passes
    report = run_gate(build(wh_settings).path, wh_settings.quality_dir, published=wh_settings.warehouse_path,
                      seeds={"a.txt", "bad.bin"})
    assert next(o for o in report.outcomes if o.check == "no_unexplained_loss").passed, report.summary()


def test_a_gate_reuses_only_the_outcomes_of_relations_it_already_judged(wh_settings: Settings, wh_data):
    """Same rows, same suite, same code: the earlier outcomes stand (and stay in the Data Docs);
    a changed row makes its relation judged again, so a new failure is never hidden."""
    import duckdb

    from mscflow.warehouse.gate_cache import GateCache, cache_file

    wh_data.require_contracts()
    path = build(wh_settings).path
    first = run_gate(path, wh_settings.quality_dir)
    again = run_gate(path, wh_settings.quality_dir)
    assert first.passed and not first.reused
    judged = {o.relation for o in first.outcomes if o.source in ("gx", "pandera")}
    assert set(again.reused) == judged and len(judged) > 10
    assert [vars(o) for o in again.outcomes] == [vars(o) for o in first.outcomes]
    html = again.data_docs_index.read_text(encoding="utf-8")
    assert all(r in html for r in judged), "a reused relation is missing from the Data Docs"

    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE core.studies SET disease = 'dragon_pox' WHERE study_id = (SELECT min(study_id) FROM core.studies)")
    changed = run_gate(path, wh_settings.quality_dir)
    assert "core.studies" not in changed.reused and "marts.dose_by_route" in changed.reused
    assert ("core.studies", "expect_column_values_to_be_in_set(disease)") in {(o.relation, o.check) for o in changed.failures}

    memory = cache_file(wh_settings.quality_dir)
    data = json.loads(memory.read_text(encoding="utf-8"))
    data["relations"]["marts.dose_by_route"]["gx_result"][1] = "{not a result"
    memory.write_text(json.dumps(data), encoding="utf-8")
    unreadable = run_gate(path, wh_settings.quality_dir)  # a result GX cannot read: judged again
    assert "marts.dose_by_route" not in unreadable.reused and "marts.evidence_by_disease" in unreadable.reused
    assert "marts.dose_by_route" in unreadable.data_docs_index.read_text(encoding="utf-8")

    stale = cache_file(wh_settings.quality_dir)
    stale.write_text(stale.read_text(encoding="utf-8").replace('"code": "', '"code": "older-', 1), encoding="utf-8")
    assert not GateCache.load(stale).previous  # other judging code: nothing is reused
    assert not run_gate(path, wh_settings.quality_dir).reused


def test_the_gate_reads_a_text_column_whole_unless_its_checks_ask_only_for_a_value(wh_settings: Settings, wh_data):
    """A text column whose checks only ask "is there a value" is read as '' or NULL (the gate's
    reads at 10,000 documents were mostly core.documents.clean_text); any other check on it
    makes the gate read it whole, and every other column is read as stored."""
    import duckdb

    from mscflow.warehouse.build import table_frame
    from mscflow.warehouse.gate import _suites, import_gx
    from mscflow.warehouse.gate_reads import gate_frame, presence_only_columns

    wh_data.require_contracts()
    path = build(wh_settings).path
    _, gxe = import_gx()
    with duckdb.connect(str(path), read_only=True) as con:
        suites = _suites(gxe, con)
        thin = presence_only_columns(con, "core.documents", suites["core.documents"])
        assert "clean_text" in thin and "document_id" not in thin and "sha256" not in thin
        longer = [*suites["core.documents"], gxe.ExpectColumnValueLengthsToBeBetween(column="clean_text", min_value=1)]
        assert "clean_text" not in presence_only_columns(con, "core.documents", longer)
        for relation, expectations in suites.items():
            whole, read = table_frame(con, relation), gate_frame(con, relation, expectations)
            assert list(read.columns) == list(whole.columns)
            assert read.isna().equals(whole.isna()), relation
            kept = [c for c in whole.columns if c not in presence_only_columns(con, relation, expectations)]
            pd.testing.assert_frame_equal(read[kept], whole[kept])
