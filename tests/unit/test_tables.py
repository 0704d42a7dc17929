"""Pipe tables: detection, damage tolerance, header roles, spans, and reconciliation on the seeds."""

from __future__ import annotations

import hashlib
import json

import pytest

from mscflow.contracts import contract
from mscflow.contracts.frames import frame_for
from mscflow.parse.tables import (
    cell_role,
    find_tables,
    header_role,
    infer_column_role,
    is_rule_line,
    split_cells,
    table_row_records,
)

TABLE_ROWS = contract("table_rows")


def table_rows_frame(document_id: str, tables):
    return frame_for(TABLE_ROWS, table_row_records(document_id, tables)).frame

LISTING = """国内注册项目包括:
| 研究标题 | NCT 编号 | 地位 | 学习类型 | |
|---|---|---|---|---|
| 1 | 甲研究 | NCT00000001 | 招聘 | 介入 |
| 2 | 乙研究 | NCT00000002 | 暂停 | 介入 |
"""


def test_table_with_leading_pipe_and_caption():
    tables = find_tables("前文。\n表1:结果汇总\n| 学习 | 干涉 |\n|---|---|\n| A 等人 | 注射 |\n后文。\n")
    assert len(tables) == 1
    t = tables[0]
    assert t.caption == "表1:结果汇总"
    assert t.header == ("学习", "干涉")
    assert t.roles == ("study", "intervention")
    assert [r.cells for r in t.rows] == [("A 等人", "注射")]


def test_table_without_leading_pipe():
    text = "学习 | 入组患者 | 结果 |\n---|---|---|\nX 等人,2019年 | 30 | 好 |\nY 等 | 12 | 差 |\n"
    (t,) = find_tables(text)
    assert t.header == ("学习", "入组患者", "结果")
    assert [r.cells for r in t.rows] == [("X 等人,2019年", "30", "好"), ("Y 等", "12", "差")]


def test_ragged_rows_and_empty_cells_are_kept():
    text = "a | b | c |\n---|---|---|\n1 |  | 3 |\n4 | 5 |\n6 | 7 | 8 | 9 |\n"
    (t,) = find_tables(text)
    assert [r.cells for r in t.rows] == [("1", "", "3"), ("4", "5"), ("6", "7", "8", "9")]
    assert t.rows[0].cell_spans[1][0] == t.rows[0].cell_spans[1][1]  # empty cell, empty span


def test_trailing_empty_column_is_a_cell_not_a_border():
    text = "| 学习 | 结果 | |\n|---|---|---|\n| A | 好 | |\n"
    (t,) = find_tables(text)
    assert t.header == ("学习", "结果", "")
    assert t.roles == ("study", "results", "unknown")
    assert t.rows[0].cells == ("A", "好", "")


def test_shifted_header_gets_row_number_column():
    (t,) = find_tables(LISTING)
    assert t.shifted
    assert t.caption == "国内注册项目包括:"
    assert t.header_raw == ("研究标题", "NCT 编号", "地位", "学习类型", "")
    assert t.roles == ("row_number", "title", "nct_number", "status", "study_type")
    row = t.rows[1]
    assert t.cell(row, "row_number") == "2"
    assert t.cell(row, "nct_number") == "NCT00000002"
    assert t.cell(row, "status") == "暂停"


def test_header_one_cell_short_without_trailing_empty_is_shifted():
    text = "标题 | 状态\n---|---\n1 | 甲 | 招募中\n2 | 乙 | 已完成\n"
    (t,) = find_tables(text)
    assert t.roles == ("row_number", "title", "status")


def test_numbered_first_column_with_matching_header_is_not_shifted():
    text = "患者人数 | 结果\n---|---\n30 | 好\n12 | 差\n"
    (t,) = find_tables(text)
    assert not t.shifted
    assert t.roles == ("patient_count", "results")


def test_lines_with_pipes_that_are_not_tables():
    text = (
        "首页 | 新闻 | 关于我们\n"
        "正文里提到 a | b 两种写法。\n\n"
        "另一行 | 也有竖线 | 三格\n"
        "还有一行 | 有竖线 | 三格\n"
    )
    assert find_tables(text) == []
    assert not is_rule_line("---")
    assert not is_rule_line("a | b")


def test_table_without_rule_needs_three_similar_lines():
    text = "学习 | 患者 | 结果\nA | 10 | 好\nB | 20 | 差\n"
    (t,) = find_tables(text)
    assert not t.has_rule
    assert t.roles == ("study", "patients", "results")
    assert len(t.rows) == 2


def test_long_prose_before_header_is_not_a_caption():
    prose = "研究" * 60 + "。"
    (t,) = find_tables(prose + "\n学习 | 结果 |\n---|---|\nA | B |\n")
    assert t.caption is None


def test_two_tables_back_to_back_and_blank_line_inside():
    text = "a | b\n---|---\n1 | 2\n\n3 | 4\nc | d\n---|---\n5 | 6\n"
    first, second = find_tables(text)
    assert [r.cells for r in first.rows] == [("1", "2"), ("3", "4")]
    assert second.header == ("c", "d")
    assert [r.cells for r in second.rows] == [("5", "6")]


def test_short_row_with_missing_middle_cell_is_placed_by_content():
    text = (
        "接受者 | 移植类型 | 结果 | 学习类型 | 参考 |\n---|---|---|---|---|\n"
        "患者甲 | 1×106个细胞/kg 静脉内 | 蛋白尿降低,改善评分 | I期临床研究 | 【045】 |\n"
        "患者乙 | 1×106个细胞/kg静脉内 | 白蛋白升高,评分改善 | 回顾性研究 | 【048】 |\n"
        "患者丙 | 随访4年:评分改善,蛋白尿降低 | II期临床研究 | 【046】 |\n"
    )
    (t,) = find_tables(text)
    short = t.rows[2]
    assert short.cells[1].startswith("随访")  # cells stay as written
    assert t.cell(short, "transplant") is None
    assert t.cell(short, "study_type") == "II期临床研究"
    assert t.cell(short, "reference") == "【046】"
    assert t.cell(t.rows[0], "reference") == "【045】"


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("学习", "study"),
        ("學習", "study"),
        ("干涉", "intervention"),
        ("地位", "status"),
        ("狀況", "condition"),
        ("状况", "condition"),
        ("贊助", "sponsor"),
        ("學習類型", "study_type"),
        ("学习类型", "study_type"),
        ("患者编号", "patient_count"),
        ("NCT 编号", "nct_number"),
        ("NCT Number", "nct_number"),
        ("Study Title", "title"),
        ("入组患者", "patients"),
        ("细胞来源", "cell_source"),
        ("移植类型", "transplant"),
        ("参考", "reference"),
        ("局限性", "limitations"),
        ("造血干细胞移植", "unknown"),
        ("治疗效果的长期比较结论汇总", "unknown"),
        ("", "unknown"),
        ("#", "row_number"),
        ("序号", "row_number"),
    ],
)
def test_header_roles_by_meaning(header, role):
    assert header_role(header) == role


def test_split_cells_spans_point_into_the_line():
    line = "| a |  bb | |"
    cells = split_cells(line, offset=10)
    assert [c for c, _, _ in cells] == ["a", "bb", ""]
    for cell, s, e in cells:
        assert line[s - 10 : e - 10] == cell


def _independent_row_count(text: str) -> int:
    """Data rows counted without the parser: pipe lines that are neither a rule nor a header."""
    lines = text.splitlines()
    rules = {i for i, line in enumerate(lines) if set(line.replace(" ", "")) <= set("|-:") and "---" in line}
    headers = {i - 1 for i in rules}
    return sum(1 for i, line in enumerate(lines) if "|" in line and i not in rules and i not in headers)


def test_seed_tables_reconcile_and_spans_are_exact(clean_docs):
    total = 0
    for name, doc in clean_docs.items():
        text = doc.text
        tables = find_tables(text)
        found = sum(len(t.rows) for t in tables)
        assert found == _independent_row_count(text), name
        total += found
        for t in tables:
            assert len(t.roles) == len(t.header)
            for r in t.rows:
                assert "\n" not in text[r.char_start : r.char_end]
                assert [text[s:e] for s, e in r.cell_spans] == list(r.cells)
    assert total == 21 + 9 + 4 + 37


def test_seed_listing_header_is_realigned(clean_docs):
    listings = [t for doc in clean_docs.values() for t in find_tables(doc.text) if "nct_number" in t.roles]
    assert len(listings) == 1
    (t,) = listings
    assert t.shifted
    assert t.roles[:4] == ("row_number", "title", "nct_number", "status")
    assert all(t.cell(r, "nct_number").startswith("NCT") for r in t.rows)


def test_table_rows_frame_is_lossless_and_valid(clean_docs, seed_paths):
    for path in seed_paths:
        document_id = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        tables = find_tables(clean_docs[path.name].text)
        frame = TABLE_ROWS.schema.validate(table_rows_frame(document_id, tables), lazy=True)
        assert len(frame) == sum(len(t.rows) for t in tables)
        by_key = {(t.index, r.index): r for t in tables for r in t.rows}
        for rec in frame.itertuples():
            assert tuple(json.loads(rec.cells)) == by_key[(rec.table_index, rec.row_index)].cells
            assert rec.n_cells == len(json.loads(rec.cells))


def test_empty_frame_has_the_columns():
    frame = table_rows_frame("0" * 16, [])
    assert list(frame.columns) == list(TABLE_ROWS.columns)
    TABLE_ROWS.schema.validate(frame)


# --- column roles inferred from cell content ------------------------------------------------------

@pytest.mark.parametrize(("cell", "role"), [
    ("Smith J 等,2019", "study"),
    ("Kim HJ et al. (2021)", "study"),
    ("王等人", "study"),
    ("30", "patients"),
    ("30 (18-50岁)", "patients"),
    ("n=30", "patients"),
    ("30例难治性患者", "patients"),
    ("开放标签 I 期", "design"),
    ("多中心随机双盲对照", "design"),
    ("1×10^6/kg", "transplant"),
    ("2亿个细胞", "transplant"),
    ("静脉输注", "transplant"),
    ("12个月", "follow_up"),
    ("中位随访3年", "follow_up"),
    ("NCT01234567", "nct_number"),
    ("同种异体脐带MSC", "cell_source"),
])
def test_cell_role(cell, role):
    assert cell_role(cell) == role


@pytest.mark.parametrize("cell", ["", "3期", "疼痛评分显著下降", "未知状态"])
def test_cell_role_none_or_not_a_count(cell):
    assert cell_role(cell) != "patients"


def test_column_role_needs_agreement_and_tells_row_numbers_from_counts():
    assert infer_column_role(["1", "2", "3"]) == "row_number"
    assert infer_column_role(["30", "12", "45"]) == "patients"
    assert infer_column_role(["12个月", "2年", "6个月"]) == "follow_up"
    # a column of outcomes that merely mention a time is not the follow-up column
    assert infer_column_role(["随访12个月,病灶减少", "疼痛评分下降", "无差异"]) == "unknown"
    assert infer_column_role(["30", "疼痛评分下降", "无差异"]) == "unknown"
    assert infer_column_role([]) == "unknown"


def test_unknown_headers_get_roles_from_their_cells():
    text = (
        "表1 试验汇总\n"
        "| 调研对象X | 人头 | 安排 | 东西 | 时长Z |\n"
        "|---|---|---|---|---|\n"
        "| Smith J 等,2019 | 30 (18-50岁) | 随机对照 | 1×10^6/kg 静脉 | 12个月 |\n"
        "| Lee K 等,2020 | 12 | 开放标签 I 期 | 2×10^7个细胞 | 6个月 |\n"
    )
    t = find_tables(text)[0]
    assert t.roles == ("study", "patients", "design", "transplant", "follow_up")


def test_mapped_headers_are_not_overridden():
    # 结果 holds durations here, but the vocabulary maps the header: it stays results
    text = "| 学习 | 结果 |\n|---|---|\n| A 等人 | 12个月 |\n| B 等人 | 6个月 |\n"
    assert find_tables(text)[0].roles == ("study", "results")


def test_inference_keeps_one_column_per_identifying_role():
    # a second column of author-like cells does not become a second study column
    text = "| 作者 | 备注X |\n|---|---|\n| A 等人,2019 | B 等人,2018 |\n| C 等人,2020 | D 等人,2017 |\n"
    assert find_tables(text)[0].roles == ("study", "unknown")


def test_registry_listing_still_maps_with_inference():
    t = find_tables(LISTING)[0]
    assert t.roles == ("row_number", "title", "nct_number", "status", "study_type")
    odd = "| 编号X | 标识Y | 地位 |\n|---|---|---|\n| 1 | NCT00000001 | 招聘 |\n| 2 | NCT00000002 | 暂停 |\n"
    assert find_tables(odd)[0].roles == ("row_number", "nct_number", "status")


def test_table_kind_comes_from_the_column_roles():
    from mscflow.parse.tables import find_tables

    trial = "学习 | 入组患者 | 方法 |\n---|---|---|\nA 等人,2019年 | 30 | 随机对照试验 |\n"
    registry = "| 研究标题 | NCT 编号 | 地位 |\n|---|---|---|\n| 1 | 干细胞治疗 | NCT01234567 | 招聘 |\n"
    other = "干细胞类型 | 造血干细胞移植 | 间充质干细胞移植 |\n---|---|---|\n成本 | 高 | 低 |\n"
    assert [t.kind for t in find_tables(trial)] == ["trial"]
    assert [t.kind for t in find_tables(registry)] == ["registry"]
    assert [t.kind for t in find_tables(other)] == ["other"]
