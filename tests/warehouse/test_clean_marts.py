"""Marts analysts can read as they are: no animal or in-vitro study in the human-evidence marts,
no label that names no study, registry fields without the listing page's text, numbers rounded
for reading, comments true to the data."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from mscflow.settings import Settings
from mscflow.warehouse.build import build, connect
from mscflow.warehouse.gate import run_gate

HUMAN_MARTS = ("evidence_by_disease", "cell_source_by_disease", "dose_by_route", "human_studies")


def _study(base: dict, n: int, **fields) -> dict:
    sid = hashlib.sha256(f"extra:{n}".encode()).hexdigest()[:16]
    return {**base, "study_id": sid, "cluster_id": sid, "kind": "prose", "table_index": None, "row_index": None,
            "char_start": 500 + 10 * n, "char_end": 509 + 10 * n, "raw_start": 500 + 10 * n, "raw_end": 509 + 10 * n,
            **fields}


@pytest.fixture
def settings(tmp_path, wh_data) -> Settings:
    frames = wh_data.landing_frames()
    studies = frames["studies"]["a.txt"]
    base = studies.iloc[1].to_dict()
    extra = [
        _study(base, 1, label="MRL/lpr 小鼠 SLE 患者 【042】", design="animal", disease="sle", n_total=4,
               dose_low=1e6, dose_high=1e6, dose_per_kg=True, route="intravenous", evidence_text="MRL/lpr 小鼠 | 4个"),
        _study(base, 2, label="体外实验", design="other", evidence_text="体外实验显示MSC抑制T细胞增殖。"),
        _study(base, 3, label="法国", design="other", disease="osteonecrosis",
               evidence_text="局部介入的治疗方式,韩国和法国各一项临床研究用量为4500多个MSC。"),
        _study(base, 4, label="有研究显示", design="single_arm", disease="other",
               evidence_text="另外,也有研究显示在没有骨支架的情况下实现了79.1%的填充。"),
        _study(base, 5, label="医院报道", design="single_arm", disease="liver_cirrhosis", year=2015,
               evidence_text="2015年成都军区总医院报道了异体脐带MSC治疗肝硬化临床研究的结果。", follow_up_months=6.115),
        _study(base, 6, label="据报道", design="single_arm", disease="cerebral_palsy", n_total=16,
               evidence_text="据报道,脐带来源的MSC鞘内注射到8对伴有脑瘫的双胞胎患儿,所有患者间隔3-5天接受4次鞘内注射。"),
    ]
    frames["studies"]["a.txt"] = pd.concat([studies, pd.DataFrame(extra)], ignore_index=True)
    regs = frames["registrations"]["b.txt"]
    regs.loc[0, "conditions"] = "肝硬化 放射科 间充质干细胞 更多 1"
    regs.loc[1, "conditions"] = "血液中的免疫功能 腹水变异另外2个"
    regs.loc[1, "interventions"] = "生物:生物:间充质干细胞药品:熊去氧胆酸"
    s = Settings(seeds_dir=tmp_path / "seeds", warehouse_path=tmp_path / "data" / "mscflow.duckdb")
    wh_data.write_store(s.store_dir, frames)
    return s


def _rows(path, sql: str) -> list[tuple]:
    with connect(path, read_only=True) as con:
        return con.execute(sql).fetchall()


def test_animal_and_in_vitro_studies_are_flagged_in_core_and_left_out_of_human_marts(settings: Settings):
    path = build(settings).path
    flagged = dict(_rows(path, "SELECT label, is_human FROM core.studies"))
    assert flagged["MRL/lpr 小鼠 SLE 患者 【042】"] is False and flagged["体外实验"] is False
    assert sum(flagged.values()) == 3 + 4  # the synthetic three and four human ones
    assert _rows(path, "SELECT count(*) FROM marts.evidence_by_disease WHERE disease = 'sle'") == [(0,)]
    assert _rows(path, "SELECT count(*) FROM marts.human_studies WHERE design = 'animal' "
                       "OR article_label LIKE '%小鼠%' OR article_label = '体外实验'") == [(0,)]
    # the animal study's per-kg intravenous dose (1e6) is not among the human doses
    iv = _rows(path, "SELECT n_studies, min_dose FROM marts.dose_by_route WHERE route = 'intravenous'")
    assert iv == [(1, 1e6)]  # the synthetic prose study only
    assert _rows(path, "SELECT sum(n_studies) FROM marts.cell_source_by_disease") == [(7,)]


def test_labels_that_name_no_study_get_a_better_anchor(settings: Settings):
    path = build(settings).path
    labels = dict(_rows(path, "SELECT article_label, study_label FROM marts.human_studies"))
    sources = dict(_rows(path, "SELECT article_label, label_source FROM marts.human_studies"))
    assert labels["医院报道"] == "成都军区总医院 2015年" and sources["医院报道"] == "institution"
    assert labels["有研究显示"] == "在没有骨支架的情况下实现了79.1%的填充" and sources["有研究显示"] == "evidence"
    assert labels["据报道"] == "脐带来源的MSC鞘内注射到8对伴有脑瘫的双胞胎患儿"
    assert labels["法国"].startswith("法国 · ") and "临床研究" in labels["法国"]
    assert labels["study 0"] == "study 0" and sources["study 0"] == "article"
    weak = {"法国", "有研究显示", "有报道", "据报道", "医院报道"}
    assert not weak & {label for (label,) in _rows(path, "SELECT study_label FROM marts.human_studies")}
    # one row per distinct study: the synthetic cluster of two mentions is one study
    assert _rows(path, "SELECT count(*), count(DISTINCT study_key) FROM marts.human_studies") == [(6, 6)]


def test_registration_fields_are_cleaned_of_page_text(settings: Settings):
    path = build(settings).path
    rows = _rows(path, "SELECT row_number, conditions, condition_list, interventions, intervention_list "
                       "FROM core.registrations ORDER BY row_number")
    assert rows[0][1:3] == ("肝硬化 放射科 间充质干细胞", ["肝硬化", "放射科", "间充质干细胞"])
    assert rows[0][3:] == ("生物: 脐带间充质干细胞; 药品: 保守治疗", ["生物: 脐带间充质干细胞", "药品: 保守治疗"])
    assert rows[1][1] == "血液中的免疫功能 腹水变异"
    assert rows[1][4] == ["生物: 间充质干细胞", "药品: 熊去氧胆酸"]
    conditions = {c for (c,) in _rows(path, "SELECT condition FROM marts.registry_by_condition")}
    assert "肝硬化" in conditions and not any("更多" in c or "另外" in c for c in conditions)
    types = _rows(path, "SELECT intervention_type, sum(n_registrations) FROM marts.registry_status GROUP BY 1 ORDER BY 1")
    assert types == [("biological", 2), ("drug", 2)]


def test_numbers_are_rounded_for_reading(settings: Settings):
    path = build(settings).path
    assert _rows(path, "SELECT follow_up_months FROM marts.human_studies WHERE article_label = '医院报道'") == [(6.1,)]
    assert _rows(path, "SELECT median_follow_up_months FROM marts.evidence_by_disease "
                       "WHERE disease = 'liver_cirrhosis'") == [(6.1,)]


def test_comments_say_the_codes_the_data_holds(settings: Settings):
    path = build(settings).path
    comments = dict(_rows(path, "SELECT table_name || '.' || column_name, comment FROM duckdb_columns() "
                                "WHERE schema_name = 'marts'"))
    for mart in ("evidence_by_disease", "cell_source_by_disease"):
        assert "'unstated'" not in comments[f"{mart}.disease"] and "'other'" in comments[f"{mart}.disease"]
    for mart in ("cell_source_by_disease", "dose_by_route"):
        assert "'unspecified'" in comments[f"{mart}.tissue_source"]
    held = {v for (v,) in _rows(path, "SELECT DISTINCT tissue_source FROM marts.cell_source_by_disease")}
    assert "unstated" not in held  # the contract's code for "not stated" is unspecified


def test_the_gate_holds_the_clean_marts(settings: Settings):
    report = run_gate(build(settings).path)
    assert report.passed, report.summary()
    checks = {o.check for o in report.for_relation("marts.human_studies")}
    assert "expect_column_values_to_not_match_regex(study_label)" in checks
