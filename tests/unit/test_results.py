"""Outcomes and adverse events (issue 13): every value re-slices from its span, and the passes
read the genre's forms (one sentence each, through the real extraction path)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mscflow.eval import process_files

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "regression" / "heldout" / "outcomes" / "raw"


@pytest.fixture(scope="module")
def corpus():
    return process_files([*sorted((ROOT / "seeds").glob("*.txt")), *sorted(FIXTURES.glob("*.txt"))])


def _clean(corpus) -> dict[str, str]:
    docs = corpus.table("documents")
    return dict(zip(docs.document_id, docs.clean_text, strict=True))


def test_every_outcome_value_reslices_from_its_spans(corpus):
    clean = _clean(corpus)
    rows = corpus.table("outcomes")
    assert len(rows) > 50
    for r in rows.itertuples():
        assert float(clean[r.document_id][r.char_start:r.char_end]) == abs(r.value), r.evidence_text
    raw_text = {k: corpus.raw[k].text for k in corpus.raw}
    for rec in corpus.records("outcomes"):
        written = raw_text[rec["doc"]][rec["raw_start"]:rec["raw_end"]]
        assert float(written) == abs(rec["value"]), (rec["doc"], written)


def test_every_adverse_event_reslices_from_its_spans(corpus):
    clean = _clean(corpus)
    rows = corpus.table("adverse_events")
    assert len(rows) > 30
    for r in rows.itertuples():
        span = clean[r.document_id][r.char_start:r.char_end]
        assert r.event_text in span
        if pd.notna(r.n_patients) and r.n_patients > 0 and r.rule != "adverse_event:one_patient":
            assert str(r.n_patients) in span
    raw_text = {k: corpus.raw[k].text for k in corpus.raw}
    for rec in corpus.records("adverse_events"):
        assert raw_text[rec["doc"]][rec["raw_start"]:rec["raw_end"]].strip(), rec


def _read(tmp_path: Path, body: str, table: str) -> list[dict]:
    """One short article through the real path: a study sentence, then ``body``."""
    page = tmp_path / "a.txt"
    page.write_text("一项随机对照研究纳入了60名膝骨关节炎患者,治疗组30例,对照组30例,关节腔注射脂肪间充质干细胞。" + body,
                    encoding="utf-8")
    return process_files([page]).records(table)


@pytest.mark.parametrize(("body", "expected"), [
    ("治疗后12个月,治疗组WOMAC评分由(48.2±6.1)分降至(30.5±5.2)分,对照组由47.9分降至41.0分。",
     [("womac", "treatment", 12.0, 48.2, 30.5), ("womac", "control", 12.0, 47.9, 41.0)]),
    ("治疗组与对照组的总有效率分别为86.7%和60.0%。",
     [("response_rate", "treatment", None, None, 86.7), ("response_rate", "control", None, None, 60.0)]),
    ("24周后治疗组VAS评分下降了35%。", [("vas", "treatment", 5.52, None, -35.0)]),
    ("治疗前治疗组VAS评分为7.1分。", []),
])
def test_outcome_passes(tmp_path, body, expected):
    got = [(r["measure"], r["arm"], None if r["timepoint_months"] != r["timepoint_months"] else r["timepoint_months"],
            None if r["baseline"] != r["baseline"] else r["baseline"], r["value"]) for r in _read(tmp_path, body, "outcomes")]
    assert got == expected


@pytest.mark.parametrize(("body", "expected"), [
    ("治疗组有3例患者出现一过性发热,均未发生严重不良事件。", [("fever", 3), ("serious_adverse_event", 0)]),
    ("治疗组1例出现头痛,没有观察到其他不良事件。", [("headache", 1)]),
    ("治疗组出现感染的风险低于对照组。", []),
])
def test_adverse_event_passes(tmp_path, body, expected):
    got = [(r["event"], r["n_patients"]) for r in _read(tmp_path, body, "adverse_events")]
    assert got == expected
