"""An extracted value that breaks its contract is repaired and recorded, never a crashed run."""

from __future__ import annotations

import pandera.errors as pa_errors
import pytest

from mscflow.contracts import contract
from mscflow.contracts.frames import frame_for
from mscflow.eval.corpus import process_files
from mscflow.extract.document import extract_batch

STUDIES, TABLE_ROWS = contract("studies"), contract("table_rows")


@pytest.fixture(scope="module")
def corpus(seed_paths):
    return process_files([next(p for p in seed_paths if p.name.startswith("003_"))])


@pytest.fixture(scope="module")
def records(corpus):
    return [{k: v for k, v in r.items() if k != "doc"} for r in corpus.records("studies")]


def test_out_of_range_and_unknown_codes_are_nulled_or_other(records):
    bad = [dict(r) for r in records]
    bad[0].update(dose_low=5e12, dose_high=5e12)
    bad[1].update(disease="flu")
    result = frame_for(STUDIES, bad)
    frame, repairs = result.frame, [str(r) for r in result.repairs]
    assert len(frame) == len(records)
    assert frame.iloc[0]["dose_low"] is None or frame["dose_low"].isna().iloc[0]
    assert frame.iloc[1]["disease"] == "other"
    assert any("dose_low" in r for r in repairs)
    assert any("'flu'" in r for r in repairs)


def test_a_broken_key_drops_only_that_row_and_says_so(records):
    bad = [dict(r) for r in records]
    bad[2]["study_id"] = None
    result = frame_for(STUDIES, bad)
    assert len(result.frame) == len(records) - 1
    assert any("dropped" in str(r) and "study_id" in str(r) for r in result.repairs)


def test_valid_records_need_no_repair(records):
    assert frame_for(STUDIES, records).repairs == []


def test_frame_level_problems_still_raise():
    with pytest.raises((pa_errors.SchemaErrors, pa_errors.SchemaError)):
        frame_for(TABLE_ROWS, [{"document_id": "x", "table_index": "not a number"}])


def test_one_failing_document_does_not_stop_the_others(corpus):
    good = corpus.clean.documents[next(iter(corpus.clean.documents))].iloc[0].to_dict()
    bad = {**good, "clean_text": None}  # an extractor meeting what it cannot read raises
    out = extract_batch({"ok.txt": good, "bad.txt": bad, "q.txt": None})
    assert len(out.frames["studies"]["ok.txt"]) > 0
    assert len(out.frames["studies"]["bad.txt"]) == 0 and len(out.frames["studies"]["q.txt"]) == 0
    assert "AttributeError" in out.errors["bad.txt"].error
    assert "ok.txt" not in out.errors
