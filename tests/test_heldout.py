"""Extraction quality on held-out articles of the genre (not the seeds the rules were written on).

``tests/fixtures/heldout`` holds four hand-annotated articles (see its NOTES.md): h1-h3 were
written and annotated before the extractor was run on them, then used to find genre gaps;
h4 was written and annotated afterwards and first scored with the improved rules
(micro F1 0.897 before its own gaps were fixed). The thresholds sit a few points under the
figures measured, so a regression in the genre rules shows here before it shows in production.
"""

from pathlib import Path

import pytest

from mscflow.extract.studies import extract_studies
from mscflow.scoring import load_gold, score_studies
from mscflow.tables import find_tables

HELDOUT = Path(__file__).resolve().parent / "fixtures" / "heldout"


def _records(gold_file: str = "studies.jsonl") -> list[dict]:
    """Extraction over the articles a gold file annotates (each set is scored on its own)."""
    docs = {g["doc"] for g in load_gold(HELDOUT / gold_file)}
    out = []
    for path in sorted(HELDOUT.glob("*.txt")):
        if path.name not in docs:
            continue
        text = path.read_text(encoding="utf-8")
        for rec in extract_studies(path.stem, text, find_tables(text)):
            rec["doc"] = path.name
            out.append(rec)
    return out


@pytest.fixture(scope="module")
def heldout_score():
    return score_studies(_records(), HELDOUT / "studies.jsonl")


@pytest.mark.parametrize("gold_file", ["studies.jsonl", "blind_studies.jsonl", "blind3_studies.jsonl"])
def test_gold_anchors_are_unique_in_their_article(gold_file):
    for gold in load_gold(HELDOUT / gold_file):
        text = (HELDOUT / gold["doc"]).read_text(encoding="utf-8")
        assert text.count(gold["anchor"]) == 1, gold["anchor"]


def test_heldout_score(heldout_score):
    score = heldout_score
    print("\n" + score.format_report())
    # measured: micro F1 0.992, study recall 1.000 (42/42), 0 invented
    assert score.study_recall >= 0.95
    assert score.micro.f1 >= 0.95
    assert score.micro.precision >= 0.95
    assert score.invented <= 2
    low = {name: round(fs.f1, 3) for name, fs in score.fields.items() if fs.f1 < 0.85}
    assert not low, f"fields below 0.85 F1 on the held-out set: {low}"


@pytest.fixture(scope="module")
def blind_score():
    return score_studies(_records("blind_studies.jsonl"), HELDOUT / "blind_studies.jsonl")


def test_blind_set_score(blind_score):
    """b1-b3 (see NOTES.md): written and annotated blind, before the extractor code was read.

    First run, before any fix: micro P 0.939 / R 0.594 / F1 0.728, study recall 0.643 (18/28),
    2 invented (a pipe table with machine-translated headers was not recognised, Chinese-numeral
    phase anchors, ``(2016)`` years, dose lists, arm sizes). After the genre fixes: micro F1
    0.997, study recall 1.000 (28/28), 0 invented.
    """
    score = blind_score
    print("\n" + score.format_report())
    assert score.study_recall >= 0.95
    assert score.micro.f1 >= 0.95
    assert score.micro.precision >= 0.95
    assert score.invented <= 1
    low = {name: round(fs.f1, 3) for name, fs in score.fields.items() if fs.f1 < 0.85}
    assert not low, f"fields below 0.85 F1 on the blind set: {low}"


@pytest.fixture(scope="module")
def blind3_score():
    return score_studies(_records("blind3_studies.jsonl"), HELDOUT / "blind3_studies.jsonl")


def test_blind3_set_score(blind3_score):
    """c1-c3 (see NOTES.md): written and annotated blind, before the extractor, tables, numbers
    or vocabularies were read; gold unchanged after the first run.

    First run: micro P 0.977 / R 0.831 / F1 0.899, study recall 0.897 (26/29), 0 invented
    (unmapped MT headers 人口 / 试用 / 设置 / 细胞 / 持续时间, year in a 参考文献 column,
    ``Lee等(2020)报告``, acronym-named trial, 个案报告, ``每月1次共4次``, ``每组30例``).
    After the fixes (column-role inference from cell content first): micro F1 0.996,
    study recall 1.000 (29/29), 0 invented.
    """
    score = blind3_score
    print("\n" + score.format_report())
    assert score.study_recall >= 0.95
    assert score.micro.f1 >= 0.95
    assert score.micro.precision >= 0.95
    assert score.invented <= 1
    low = {name: round(fs.f1, 3) for name, fs in score.fields.items() if fs.f1 < 0.85}
    assert not low, f"fields below 0.85 F1 on the blind3 set: {low}"
