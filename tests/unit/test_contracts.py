"""One contract per table: everything else is derived from it, and nothing restates it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import great_expectations.expectations as gxe
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing import Series

from mscflow import contracts
from mscflow.contracts import CONTRACTS, FACT, Contract, contract
from mscflow.contracts.expectations import column_bounds, column_expectations
from mscflow.contracts.studies import StudiesSchema

ROOT = Path(__file__).resolve().parents[2]


def _gx_by_column(c: Contract) -> dict[tuple[str, str], dict]:
    out = {}
    for e in column_expectations(c, gxe):
        kwargs = e.configuration.kwargs
        out[(type(e).__name__, str(kwargs.get("column") or kwargs.get("column_list") or kwargs.get("column_A")))] = kwargs
    return out


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_gx_bounds_codes_and_nulls_equal_the_pandera_contract(name):
    c = contract(name)
    gx = _gx_by_column(c)
    for col_name, col in c.schema.columns.items():
        bounds = column_bounds(col)
        if bounds:
            got = gx[("ExpectColumnValuesToBeBetween", col_name)]
            assert (got.get("min_value"), got.get("max_value")) == (bounds.get("min_value"), bounds.get("max_value"))
        assert (("ExpectColumnValuesToNotBeNull", col_name) in gx) == (not col.nullable)
        for check in col.checks:
            if check.name == "isin":
                assert set(gx[("ExpectColumnValuesToBeInSet", col_name)]["value_set"]) == set(check.statistics["allowed_values"])
    assert not [k for k in gx if k[0] == "ExpectColumnValuesToBeBetween" and not column_bounds(c.schema.columns[k[1]])]


def test_study_bounds_are_the_ones_of_the_contract():
    """The drift the structure issue found (n_total 100k vs 1M, dose 1e10 vs 1e13) cannot come back."""
    gx = _gx_by_column(contract("studies"))
    assert gx[("ExpectColumnValuesToBeBetween", "n_total")]["max_value"] == 100_000
    assert gx[("ExpectColumnValuesToBeBetween", "dose_high")]["max_value"] == 1e10
    assert gx[("ExpectColumnValuesToBeBetween", "follow_up_months")]["max_value"] == 240
    assert gx[("ExpectColumnValuesToBeBetween", "year")]["max_value"] == 2030


def _vocabulary_names() -> set[str]:
    from mscflow.parse.vocab import VOCAB_DIR, load_vocab

    return {load_vocab(p.stem).name for p in VOCAB_DIR.glob("*.yaml")}


def _quoted_runs(text: str, names: set[str], n: int = 4) -> list[str]:
    """Runs of ``n`` or more quoted column names in a row: a restated column list (a list of
    vocabulary names, which coded columns share, is not one)."""
    runs = []
    vocabularies = _vocabulary_names()
    for m in re.finditer(r'(?:"\w+"\s*,\s*){' + str(n - 1) + r',}"\w+"', text):
        found = re.findall(r'"(\w+)"', m.group())
        if sum(f in names for f in found) >= n and not set(found) <= vocabularies:
            runs.append(m.group()[:80])
    return runs


def test_no_table_column_list_outside_its_contract():
    """grep finds each table's column list in one place: its contract module."""
    sources = [p for p in (ROOT / "mscflow").rglob("*.py") if "contracts" not in p.parts]
    sources += list((ROOT / "sql").rglob("*.sql"))
    for name, c in CONTRACTS.items():
        names = set(c.columns) - {"document_id"}  # the join key appears everywhere, as it should
        offenders = {str(p.relative_to(ROOT)): _quoted_runs(p.read_text(encoding="utf-8"), names)
                     for p in sources}
        offenders = {k: v for k, v in offenders.items() if v}
        assert not offenders, f"{name}'s columns restated outside mscflow/contracts: {offenders}"


def test_a_new_study_field_reaches_every_derived_place(monkeypatch, tmp_path):
    """Adding a field is a contract change (plus the extractor that fills it and the gold that
    states it): staging cast, GX suite, Dagster column schema, COMMENTs, record keys, empty
    frames and the scorer all follow, with no other file touched (CONTRIBUTING.md's recipe)."""
    from mscflow.contracts.frames import empty_frame, frame_for
    from mscflow.defs.metadata import column_schema
    from mscflow.eval.scoring import score_studies
    from mscflow.warehouse.comments import contract_descriptions
    from mscflow.warehouse.models import staging_models

    class WithSites(StudiesSchema):
        n_sites: Series[pd.Int64Dtype] = pa.Field(metadata=FACT, nullable=True, ge=1, le=500,
                                                  description="Number of centres that enrolled patients")

    extended = Contract("studies", WithSites, key=("study_id",), ordered=contract("studies").ordered)
    monkeypatch.setitem(CONTRACTS, "studies", extended)

    assert "n_sites" in contracts.fact_fields()
    staging = next(m for m in staging_models() if m.name == "studies")
    assert 'CAST("n_sites" AS BIGINT) AS "n_sites"' in staging.sql
    assert ("ExpectColumnValuesToBeBetween", "n_sites") in _gx_by_column(extended)
    assert any(col.name == "n_sites" for col in column_schema(extended).columns)
    assert contract_descriptions("studies")["n_sites"].startswith("Number of centres")
    assert "n_sites" in empty_frame(extended).columns

    from mscflow.extract.studies import extract_studies
    from mscflow.parse.tables import find_tables

    text = "2021年,一项I期临床试验纳入了24名膝骨关节炎患者,关节内注射自体脂肪间充质干细胞,随访12个月。"
    [rec] = extract_studies("0123456789abcdef", text, find_tables(text))
    assert "n_sites" in rec and rec["n_sites"] is None  # the extractor's record has the field
    rec["n_sites"] = 3  # what the extractor's new rule would fill
    frame = frame_for(extended, [{**rec, "raw_start": 0, "raw_end": 1}]).frame
    assert frame.loc[0, "n_sites"] == 3
    gold = {"doc": "d.txt", "anchor": "24名膝骨关节炎", "kind": "prose", **{f: rec[f] for f in contracts.fact_fields()}}
    gold_path = tmp_path / "studies.jsonl"
    gold_path.write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    score = score_studies([{**rec, "doc": "d.txt"}], gold_path)
    assert score.fields["n_sites"].tp == 1



def _in_fresh_process(code: str) -> str:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_building_the_schemas_does_not_import_dask():
    """pandera would import dask.dataframe (installed for the cluster engine) to resolve our pandas
    annotations: 0.35 s in every validating process (contracts/pandas_only.py)."""
    out = _in_fresh_process(
        "import sys, pandas as pd\n"
        "from mscflow.contracts import CONTRACTS\n"
        "schemas = [c.schema for c in CONTRACTS.values()]\n"
        "bad = pd.DataFrame({'source_path': ['a.txt'], 'reason': ['no_such_reason'], 'detail': ['']})\n"
        "try:\n"
        "    CONTRACTS['quarantine'].schema.validate(bad, lazy=True)\n"
        "    verdict = 'accepted'\n"
        "except Exception as e:\n"
        "    verdict = type(e).__name__\n"
        "print(len(schemas), 'dask.dataframe' in sys.modules, verdict)\n")
    assert out == f"{len(CONTRACTS)} False SchemaErrors"


def test_pandera_sees_dask_when_the_process_already_has_it():
    out = _in_fresh_process(
        "import dask.dataframe, sys\n"
        "from mscflow.contracts import CONTRACTS\n"
        "CONTRACTS['studies'].schema\n"
        "from pandera.typing import dask\n"
        "print(dask.DASK_INSTALLED)\n")
    assert out == "True"
