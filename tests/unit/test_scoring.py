"""The scorer follows gold/SCHEMA.md: anchor matching, tolerances, optional and invented studies."""

import json

import pytest

from mscflow.contracts import fact_fields
from mscflow.eval.scoring import normalize, score_studies, values_match

FIELDS = fact_fields()


def _gold(tmp_path, rows):
    path = tmp_path / "studies.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def _row(anchor, optional=False, **values):
    row = {"doc": "d.txt", "kind": "prose", "anchor": anchor, "label": anchor, **{f: None for f in FIELDS}}
    row.update(values)
    if optional:
        row["optional"] = True
    return row


def _rec(evidence, **values):
    rec = {"doc": "d.txt", "evidence_text": evidence, **{f: None for f in FIELDS}}
    rec.update(values)
    return rec


def test_normalize_ignores_width_case_space_dash_and_times():
    assert normalize("Lamo- Espinosa J. 等人,2016") == normalize("lamo-espinosa j.等人,2016")
    assert normalize("0.5–0.6 × 10 8") == normalize("0.5-0.6 x 108")
    assert normalize("ＡＢＣ") == "abc"


def test_tolerances():
    assert values_match("dose_low", 1.015e8, 1e8)
    assert not values_match("dose_low", 1.05e8, 1e8)
    assert values_match("follow_up_months", 22.9, 22.09)
    assert not values_match("year", 2020, 2019)
    assert values_match("dose_per_kg", False, False)
    assert not values_match("design", "rct", "single_arm")


def test_match_and_field_counts(tmp_path):
    gold = _gold(tmp_path, [_row("45名", n_total=45, design="rct"), _row("87名", n_total=87)])
    recs = [_rec("共招募了45名患者", n_total=45, design="single_arm"), _rec("无关的句子", n_total=3)]
    score = score_studies(recs, gold)
    assert score.fields["n_total"].tp == 1
    assert score.fields["n_total"].fp == 1  # the invented study
    assert score.fields["n_total"].fn == 1  # the missed one
    assert score.fields["design"].fp == 1 and score.fields["design"].fn == 1
    assert score.study_recall == pytest.approx(0.5)
    assert score.invented == 1


def test_one_record_matches_one_gold(tmp_path):
    gold = _gold(tmp_path, [_row("韩国", dose_low=4500), _row("法国", dose_low=4500)])
    recs = [_rec("韩国和法国各一项", dose_low=4500), _rec("法国各一项", dose_low=4500)]
    score = score_studies(recs, gold)
    assert score.study_recall == 1.0
    assert score.fields["dose_low"].tp == 2


def test_optional_gold_is_neither_rewarded_nor_penalised_when_missing(tmp_path):
    gold = _gold(tmp_path, [_row("A1", n_total=5), _row("B2", optional=True, n_total=9)])
    score = score_studies([_rec("A1 text", n_total=5)], gold)
    assert score.micro.fn == 0 and score.study_recall == 1.0
    score = score_studies([_rec("A1 text", n_total=5), _rec("B2 text", n_total=8)], gold)
    assert score.fields["n_total"].fp == 1  # scored on its fields when included


def test_dataframe_input_and_report(tmp_path):
    pd = pytest.importorskip("pandas")
    gold = _gold(tmp_path, [_row("A1", n_total=5)])
    score = score_studies(pd.DataFrame([_rec("A1", n_total=5)]), gold)
    assert score.micro.f1 == 1.0
    assert "MICRO" in score.format_report()
