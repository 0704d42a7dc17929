"""Registrations from registry listings: the 37-row acceptance against gold, and the genre's variants."""

from __future__ import annotations

import hashlib
import json
import re

import pandera.errors
import pytest

from mscflow.contracts import contract
from mscflow.contracts.frames import frame_for
from mscflow.eval import SEED_REGISTRATIONS_GOLD
from mscflow.extract.registrations import extract_registrations, find_nct_ids
from mscflow.parse.tables import find_tables

REGISTRATIONS = contract("registrations")

GOLD = SEED_REGISTRATIONS_GOLD
DOC = "0123456789abcdef"


def _extract(text: str) -> list[dict]:
    return extract_registrations(DOC, text, find_tables(text))


def _ws(value: str | None) -> str:
    return re.sub(r"\s+", "", value or "")


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_all_gold_registrations_match(gold, clean_docs, seed_paths):
    by_doc: dict[str, list[dict]] = {}
    for g in gold:
        by_doc.setdefault(g["doc"], []).append(g)
    for name, expected in by_doc.items():
        path = next(p for p in seed_paths if p.name == name)
        document_id = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        text = clean_docs[name].text
        got = extract_registrations(document_id, text, find_tables(text))
        assert len(got) == len(expected)
        by_id = {r["nct_id"]: r for r in got}
        for g in expected:
            r = by_id[g["nct_id"]]
            assert r["row_number"] == g["row"]
            assert r["status"] == g["status"], g["nct_id"]
            assert r["study_type"] == g["study_type"], g["nct_id"]
            assert _ws(r["title"]) == _ws(g["title"]), g["nct_id"]
            assert _ws(r["sponsor"]) == _ws(g["sponsor"]), g["nct_id"]
            assert _ws(r["conditions"]) == _ws(g["conditions"]), g["nct_id"]
            assert text[r["char_start"] : r["char_end"]] == r["evidence_text"]
            assert g["nct_id"] in r["evidence_text"]
        REGISTRATIONS.schema.validate(frame_for(REGISTRATIONS, got).frame, lazy=True)


def test_documents_without_listing_have_no_registrations(clean_docs, gold):
    listed = {g["doc"] for g in gold}
    for name, doc in clean_docs.items():
        if name not in listed:
            assert _extract(doc.text) == []


def test_english_header_and_status_variants():
    text = (
        "| Rank | Study Title | NCT Number | Status | Conditions | Sponsor | Study Type |\n"
        "|---|---|---|---|---|---|---|\n"
        "| 1 | A | NCT12345678 | 尚未招募 | 肝硬化 | 某大学 | 观察性 |\n"
        "| 2 | B | NCT87654321 | 招募中 | 肝硬化 | 某医院 | 介入 |\n"
        "| 3 | C | NCT11112222 | 已终止 | 肝硬化 | 某医院 | Interventional |\n"
        "| 4 | D | NCT33334444 | 活跃,未招募 | 肝硬化 | 某医院 | 介入 |\n"
    )
    got = _extract(text)
    assert [r["status"] for r in got] == ["not_yet_recruiting", "recruiting", "terminated", "active_not_recruiting"]
    assert [r["study_type"] for r in got] == ["observational", "interventional", "interventional", "interventional"]
    assert [r["row_number"] for r in got] == [1, 2, 3, 4]
    assert got[0]["sponsor"] == "某大学"


def test_invalid_and_duplicate_nct_numbers():
    text = (
        "研究标题 | NCT编号 | 状态\n---|---|---\n"
        "甲 | NCT1234567 | 已完成\n"  # seven digits: not an NCT id
        "乙 | NCT123456789 | 已完成\n"  # nine digits: not an NCT id
        "丙 | nct 01234567 | 已完成\n"
        "丁 | NCT01234567 | 已完成\n"  # the same trial again
    )
    got = _extract(text)
    assert [r["nct_id"] for r in got] == ["NCT01234567"]
    assert got[0]["row_number"] == 3  # no row-number column: 1-based position
    assert got[0]["status"] == "completed"


def test_headerless_listing_reads_status_only_from_a_whole_cell():
    text = "甲研究已完成的随访 | NCT00000011 | 招聘\n乙研究 | NCT00000012 | 暂停\n丙研究 | NCT00000013 | 未知状态\n"
    got = _extract(text)
    assert [r["status"] for r in got] == ["recruiting", "suspended", "unknown"]
    assert all(r["title"] is None for r in got)


def test_nct_ids_in_prose_are_not_registrations():
    assert _extract("该试验(NCT01234567)已完成。\n") == []
    assert find_nct_ids("见NCT01234567与 NCT 07654321。") == ["NCT01234567", "NCT07654321"]


def test_schema_rejects_bad_codes():
    good = _extract("标题 | NCT编号 | 状态\n---|---|---\n甲 | NCT01234567 | 暂停\n")
    frame = frame_for(REGISTRATIONS, good).frame
    REGISTRATIONS.schema.validate(frame)
    bad = frame.assign(nct_id=["NCT0123"], status=["paused"])
    with pytest.raises(pandera.errors.SchemaErrors):
        REGISTRATIONS.schema.validate(bad, lazy=True)


def test_key_value_registry_entries_and_chictr_ids():
    text = ("【条目 1】\n| 注册号: | ChiCTR2100012345 |\n| 注册题目: | 脐带间充质干细胞治疗卵巢功能不全 |\n"
            "| 研究疾病: | 早发性卵巢功能不全 |\n| 研究类型: | 干预性研究 |\n| 招募状态: | 正在招募 |\n| 申办者: | 某妇产医院 |\n\n"
            "试验信息\n注册号 | NCT01234567\n在其它机构的注册号 | ChiCTR1900099999\n状态 | 已完成\n研究类型 | 干预性研究\n")
    got = {r["nct_id"]: r for r in _extract(text)}
    assert set(got) == {"ChiCTR2100012345", "NCT01234567"}  # the second id of one entry is the same trial
    a = got["ChiCTR2100012345"]
    assert (a["registry"], a["status"], a["study_type"], a["conditions"], a["sponsor"]) == (
        "chictr", "recruiting", "interventional", "早发性卵巢功能不全", "某妇产医院")
    assert got["NCT01234567"]["registry"] == "clinicaltrials_gov" and got["NCT01234567"]["status"] == "completed"
    for r in got.values():
        assert text[r["char_start"] : r["char_end"]] == r["evidence_text"] and r["nct_id"] in r["evidence_text"]
    REGISTRATIONS.schema.validate(frame_for(REGISTRATIONS, list(got.values())).frame)


def test_a_header_word_for_two_roles_takes_the_free_one():
    from mscflow.parse.tables import header_roles

    assert header_roles(["地位", "状况"]) == ("status", "condition")
    assert header_roles(["状况", "条件"]) == ("status", "condition")
    assert header_roles(["试验现状", "适应症"]) == ("status", "condition")  # a registry page's key|value entry


def test_a_registry_page_saved_as_text_with_keys_and_values_on_their_own_lines():
    text = ("审核状态:\n\nProject audit state:\n\n通过审核\n\n注册号:\n\nRegistration number:\n\nChiCTR2400081234 \n\n"
            "注册号状态:\n\n预注册\n\n注册题目:\n\n脐带间充质干细胞治疗狼疮肾炎的随机对照研究\n\nPublic title:\n\nUC-MSC for lupus nephritis\n\n"
            "研究疾病:\n\n狼疮肾炎\n\n研究类型:\n\nStudy type:\n\n干预性研究\n\nInterventional study\n\n"
            "试验主办单位:\n\n某大学附属医院\n\n征募研究对象情况:\n\nRecruiting status:\n\n尚未开始\n\nNot yet recruiting\n")
    [rec] = extract_registrations("0123456789abcdef", text, find_tables(text))
    assert (rec["nct_id"], rec["registry"], rec["status"], rec["study_type"]) == (
        "ChiCTR2400081234", "chictr", "not_yet_recruiting", "interventional")
    assert (rec["title"], rec["conditions"], rec["sponsor"]) == ("脐带间充质干细胞治疗狼疮肾炎的随机对照研究", "狼疮肾炎", "某大学附属医院")
    assert text[rec["char_start"] : rec["char_end"]] == rec["evidence_text"]
