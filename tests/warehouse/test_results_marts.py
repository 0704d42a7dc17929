"""core.outcomes / core.adverse_events and their marts, built from the seeds through the real
path (extract_batch -> store -> build -> gate): both marts non-empty and recomputed from core,
and the gate's span and study checks hold (and fail on a span that no longer reads its value)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from mscflow import store
from mscflow.eval import process_files
from mscflow.settings import Settings
from mscflow.warehouse.build import build
from mscflow.warehouse.gate import run_gate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("results")
    settings = Settings(seeds_dir=ROOT / "seeds", warehouse_path=tmp / "data" / "mscflow.duckdb")
    corpus = process_files(sorted((ROOT / "seeds").glob("*.txt")))
    for table, parts in [("documents", corpus.clean.documents), ("quarantine", corpus.clean.quarantine),
                         *corpus.extraction.frames.items()]:
        for key, frame in parts.items():
            store.write_frame(settings.store_dir, table, key, frame)
    return build(settings).path


def _df(path: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).df()


def test_efficacy_by_disease_recomputed_from_core(seed_build):
    mart = _df(seed_build, "SELECT * FROM marts.efficacy_by_disease").set_index(["disease", "measure"])
    assert len(mart) >= 10
    rows = _df(seed_build, "SELECT s.disease, o.measure, COALESCE(s.cluster_id, s.study_id) AS k, s.n_total, "
                           "o.arm, o.direction FROM core.outcomes o JOIN core.studies s USING (study_id) WHERE s.is_human")
    for (disease, measure), g in rows.groupby(["disease", "measure"]):
        m = mart.loc[(disease, measure)]
        studies = g.groupby("k")
        assert m.n_studies == studies.ngroups and m.n_results == len(g)
        assert (pd.isna(m.n_patients) and studies.n_total.max().isna().all()) or m.n_patients == studies.n_total.max().sum()
        improved = studies.apply(lambda x: ((x.arm == "treatment") & (x.direction == "improved")).any())
        assert m.share_improved == pytest.approx(round(improved.mean(), 3))
    assert len(mart) == len(rows.groupby(["disease", "measure"]))
    meld = mart.loc[("decompensated_liver_cirrhosis", "meld")]
    assert (meld.n_studies, meld.share_improved, meld.timepoints_months) == (1, 1.0, "11.05")


def test_safety_by_cell_source_recomputed_from_core(seed_build):
    mart = _df(seed_build, "SELECT * FROM marts.safety_by_cell_source").set_index(["tissue_source", "route"])
    assert len(mart) >= 5
    rows = _df(seed_build, "SELECT s.tissue_source, COALESCE(s.route, 'unstated') AS route, COALESCE(s.cluster_id, s.study_id) AS k, "
                           "a.event, a.n_patients, a.rate, a.serious FROM core.adverse_events a JOIN core.studies s USING (study_id) "
                           "WHERE s.is_human")
    rows["occurred"] = (rows.n_patients.fillna(0) > 0) | (rows.rate.fillna(0) > 0) | (rows.n_patients.isna() & rows.rate.isna())
    serious = rows.occurred & (rows.event.isin(["death", "serious_adverse_event"]) | (rows.serious == True))  # noqa: E712
    for (source, route), g in rows.groupby(["tissue_source", "route"]):
        m = mart.loc[(source, route)]
        assert m.n_studies == g.k.nunique()
        assert m.n_studies_serious == g[serious.loc[g.index]].k.nunique()
    assert mart.n_studies.sum() == rows.groupby(["tissue_source", "route"]).k.nunique().sum()
    assert mart.n_studies_serious.sum() >= 2  # the seeds' deaths (冷等人 1 名死亡, the aplastic-anaemia case)


def test_gate_checks_results_belong_to_studies_and_reslice(seed_build, tmp_path):
    report = run_gate(seed_build)
    mine = [o for o in report.outcomes if o.relation in ("core.outcomes", "core.adverse_events")]
    assert {o.check for o in mine} >= {"span_reslices_to_value", "references(study_id -> core.studies)"}
    assert all(o.passed for o in mine), [o for o in mine if not o.passed]
    broken = tmp_path / "broken.duckdb"
    shutil.copy(seed_build, broken)
    with duckdb.connect(str(broken)) as con:
        con.execute("UPDATE core.outcomes SET char_start = char_start + 1 WHERE outcome_id = (SELECT min(outcome_id) FROM core.outcomes)")
    failed = [o for o in run_gate(broken).failures if o.relation == "core.outcomes"]
    assert [o.check for o in failed] == ["span_reslices_to_value"]


def test_evidence_report_draws_the_safety_chart(seed_build, tmp_path):
    from mscflow.report import write_report

    page = write_report(seed_build, tmp_path / "report.html").path.read_text(encoding="utf-8")
    section = page[page.index('<section id="safety">'):]
    section = section[:section.index("</section>")]
    assert section.count("<svg") == 1 and "Studies with a safety statement, by cell source" in section
    assert "serious event reported" in section and "umbilical" in section.lower()
