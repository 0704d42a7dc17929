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


def _records() -> list[dict]:
    out = []
    for path in sorted(HELDOUT.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for rec in extract_studies(path.stem, text, find_tables(text)):
            rec["doc"] = path.name
            out.append(rec)
    return out


@pytest.fixture(scope="module")
def heldout_score():
    return score_studies(_records(), HELDOUT / "studies.jsonl")


def test_gold_anchors_are_unique_in_their_article():
    for gold in load_gold(HELDOUT / "studies.jsonl"):
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
