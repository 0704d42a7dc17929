"""Every filled field of every study has its own provenance, and its span reads as the value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mscflow.contracts import fact_fields
from mscflow.eval import process_files
from mscflow.extract.provenance import VOCAB_OF
from mscflow.parse.numbers import CN_NUM, find_doses, find_durations, parse_number
from mscflow.parse.vocab import load_vocab

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "regression" / "heldout"
FOLDERS = [ROOT / "seeds", HELDOUT / "raw", HELDOUT / "web" / "raw", HELDOUT / "formats" / "raw"]


@pytest.fixture(scope="module", params=FOLDERS, ids=lambda p: str(p.relative_to(ROOT)))
def corpus(request):
    return process_files(sorted(p for p in request.param.iterdir() if p.is_file()))


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def test_every_filled_field_has_one_provenance_row(corpus):
    values = corpus.table("study_values")
    by_study = {(r.study_id, r.field) for r in values.itertuples() if not r.rule.startswith("abstain:")}
    studies = corpus.table("studies")
    assert len(studies) > 0
    filled = {(s["study_id"], f) for s in studies.to_dict("records") for f in fact_fields() if not _missing(s[f])}
    assert filled == by_study  # 100 % coverage, nothing extra


def test_each_span_re_slices_and_reads_as_its_value(corpus):
    docs = corpus.table("documents").set_index("document_id")
    raw = {r.document_id: corpus.raw[r.source_path].text for r in corpus.table("documents").itertuples()}
    checked = 0
    for v in corpus.table("study_values").itertuples():
        text = docs.loc[v.document_id, "clean_text"]
        piece = text[v.char_start : v.char_end]
        assert piece.strip(), v
        assert raw[v.document_id][v.raw_start : v.raw_end].strip(), v  # the raw span holds the mention too
        reader = v.rule.split(":")[-1] if v.rule.startswith("context:") else v.rule.split(":")[0]
        if reader in ("term", "count", "number", "dose", "duration", "administrations", "year") or v.rule.startswith("context:"):
            around = text[max(0, v.char_start - 8) : v.char_start] + text[v.char_end : v.char_end + 24]
            assert reads_as(v.field, v.value, piece, around), (v.field, v.value, v.rule, piece)
            checked += 1
    assert checked > 0


def _numbers(piece: str) -> set[float]:
    found = {float(x.replace(",", "")) for x in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", piece)}
    found |= {n for n in (parse_number(x) for x in re.findall(CN_NUM, piece)) if n is not None}
    return found


def reads_as(field: str, value: str, piece: str, around: str) -> bool:
    """The slice says the value: the vocabulary's term, the dose (its per-kg unit may stand just
    before, 每公斤体重一千万个, or after the range's upper end), the duration in months, or the number itself
    (digits or a Chinese numeral; twice a number of twin pairs, 8对; one more than a repeat
    after the first administration, 重复注射1次)."""
    if field in VOCAB_OF:
        return any(h.code == value for h in load_vocab(VOCAB_OF[field]).find(piece))
    if field == "dose_per_kg":
        per_kg = re.search(r"kg|公斤|千克", piece + around, re.I) is not None
        return per_kg == (value == "true")
    number = float(value)
    if field in ("dose_low", "dose_high"):
        return number in _numbers(piece) or any(abs(x - number) <= 0.02 * number for d in find_doses(piece) for x in (d.low, d.high))
    if field == "follow_up_months":
        return any(abs(d.months - number) <= 0.05 * number for d in find_durations(piece))
    numbers = _numbers(piece)
    if field in ("n_total", "n_treatment", "n_control") and "对" in piece:
        return number / 2 in numbers
    if field == "n_administrations":
        return number in numbers or number - 1 in numbers or bool(number <= 2 and re.search("单|單|双|雙|一次|两|兩", piece))
    return number in numbers
