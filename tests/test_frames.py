"""An extracted value that breaks its model is repaired and recorded, never a crashed run."""

from __future__ import annotations

import pandera.errors as pa_errors
import pytest

from mscflow.documents import clean_frames, raw_frame, read_seed
from mscflow.extraction import studies_for
from mscflow.schemas.frames import REPAIRS, frame_for
from mscflow.schemas.studies import StudiesSchema
from mscflow.schemas.table_rows import TableRowsSchema


@pytest.fixture(scope="module")
def records(seed_paths):
    path = next(p for p in seed_paths if p.name.startswith("003_"))
    raw = raw_frame(read_seed(path, path.parent, 5 * 1024 * 1024)).iloc[0].to_dict()
    doc = clean_frames(raw)[0].iloc[0].to_dict()
    return studies_for(doc).to_dict("records")


def test_out_of_range_and_unknown_codes_are_nulled_or_other(records):
    bad = [dict(r) for r in records]
    bad[0].update(dose_low=5e12, dose_high=5e12)
    bad[1].update(disease="flu")
    frame = frame_for(StudiesSchema, bad)
    assert len(frame) == len(records)
    assert frame.iloc[0]["dose_low"] is None or frame["dose_low"].isna().iloc[0]
    assert frame.iloc[1]["disease"] == "other"
    assert any("dose_low" in r for r in frame.attrs[REPAIRS])
    assert any("'flu'" in r for r in frame.attrs[REPAIRS])


def test_a_broken_key_drops_only_that_row_and_says_so(records):
    bad = [dict(r) for r in records]
    bad[2]["study_id"] = None
    frame = frame_for(StudiesSchema, bad)
    assert len(frame) == len(records) - 1
    assert any("dropped" in r and "study_id" in r for r in frame.attrs[REPAIRS])


def test_valid_records_need_no_repair(records):
    assert frame_for(StudiesSchema, records).attrs[REPAIRS] == []


def test_frame_level_problems_still_raise():
    with pytest.raises((pa_errors.SchemaErrors, pa_errors.SchemaError)):
        frame_for(TableRowsSchema, [{"document_id": "x", "table_index": "not a number"}])


def test_one_failing_document_does_not_stop_the_others():
    import pandas as pd

    from mscflow.extraction import ERRORS, per_document

    frames = {"ok.txt": pd.DataFrame([{"x": 1}]), "bad.txt": pd.DataFrame([{"x": 2}]), "q.txt": pd.DataFrame()}

    def fn(doc: dict) -> pd.DataFrame:
        if doc["x"] == 2:
            raise ValueError("unexpected layout")
        return pd.DataFrame([{"document_id": "a"}])

    out = per_document(frames, fn, TableRowsSchema)
    assert len(out["ok.txt"]) == 1 and len(out["bad.txt"]) == 0 and len(out["q.txt"]) == 0
    assert "ValueError: unexpected layout" in out["bad.txt"].attrs[ERRORS][0]
    assert not out["ok.txt"].attrs.get(ERRORS)
