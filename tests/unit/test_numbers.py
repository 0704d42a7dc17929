"""The number parser on the forms the seed genre writes (lost superscripts, 万/亿, ranges)."""

import pytest

from mscflow.parse.numbers import (
    cn_to_int,
    find_administrations,
    find_counts,
    find_doses,
    find_durations,
    find_years,
    leading_int,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [("四", 4), ("十二", 12), ("两百", 200), ("三千五百", 3500), ("一万", 10000), ("十", 10)],
)
def test_chinese_numerals(text, value):
    assert cn_to_int(text) == value


def test_not_a_numeral():
    assert cn_to_int("名") is None
    assert parse_number("abc") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("8.6亿", 8.6e8), ("4500多", 4500), ("1.2万", 12000), ("两亿", 2e8), ("12", 12)],
)
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "low", "high", "per_kg"),
    [
        ("100 x106个ADMSCs", 1e8, 1e8, False),
        ("HA w/10 x10 6 BM-MSC", 1e7, 1e7, False),
        ("1×106個細胞/kg", 1e6, 1e6, True),
        ("2X10*7/kg", 2e7, 2e7, True),
        ("每次(1.0-1.5)×10*7个MSC", 1e7, 1.5e7, False),
        ("(0.5–0.6 × 10 8) 同种异体", 5e7, 6e7, False),
        ("剂量为106/公斤体重", 1e6, 1e6, True),
        ("(1-10)x10*6/kg", 1e6, 1e7, True),
        ("25、50、75 或 150 x 10 6 个细胞", 2.5e7, 1.5e8, False),
        ("8/9×10 6 MSCs", 8e6, 9e6, False),
        ("细胞用量为8.6亿;", 8.6e8, 8.6e8, False),
        ("每人单次静脉输注约1亿个自体骨髓间质干细胞", 1e8, 1e8, False),
        ("4500多个MSC", 4500, 4500, False),
        ("0.5x106/kg", 5e5, 5e5, True),
        ("3x107/人", 3e7, 3e7, False),
        ("2.1-3.6x106细胞/kg", 2.1e6, 3.6e6, True),
    ],
)
def test_single_doses(text, low, high, per_kg):
    doses = [d for d in find_doses(text) if d.kind == "single"]
    assert len(doses) == 1
    d = doses[0]
    assert (d.low, d.high, d.per_kg) == (pytest.approx(low), pytest.approx(high), per_kg)
    assert text[d.start : d.end].strip()


def test_plus_minus_tail_is_not_a_second_dose():
    doses = find_doses("关节内输注:(40.9×10 6 ± 0.4×10 6)自体BM-MSCs")
    assert [(d.low, d.kind) for d in doses] == [(pytest.approx(4.09e7), "single")]


def test_total_concentration_and_threshold_are_not_single_doses():
    assert [d.kind for d in find_doses("两次注射(总计 61×10 6 ± 0.6×10 6)")] == ["total"]
    assert find_doses("骨髓移植(6500MSCs/mL)") == [] or all(d.kind == "concentration" for d in find_doses("6500个细胞/mL"))
    assert [d.kind for d in find_doses("10^6或以上")] == ["threshold"]
    assert [d.kind for d in find_doses("用量超过1亿的临床研究")] == []
    assert [d.kind for d in find_doses("单核细胞计数达到10^5个/mL以上")] == ["concentration"]


def test_sums_of_money_are_not_doses():
    assert find_doses("率先捐助500万元,医院也提拨500万,合计1,000万元") == []
    assert [d.low for d in find_doses("每次5千万个细胞,费用8万元")] == [5e7]


def test_range_across_to():
    doses = find_doses("在5×10^6至400×10^6之间")
    assert [d.low for d in doses] == [pytest.approx(5e6), pytest.approx(4e8)]


def test_counts_that_are_not_doses():
    assert find_doses("骨髓1万个单个核细胞中就有1个是MSC") == []
    assert find_doses("患者30岁") == []


@pytest.mark.parametrize(
    ("text", "months"),
    [("随访 7 年", [84]), ("96 周", [22.09]), ("4个月到7年", [4, 84]), ("5-17个月", [17]),
     ("半年后", [6]), ("42天后", [1.38]), ("一周后", [0.23]), ("10年以上", [120]), ("治疗六个月后", [6]),
     # a median with its range counts to the range's end; a mean with its SD is the mean
     ("并跟进24个星期", [5.52]), ("中位随访18(6~36)个月", [36]), ("随访(14.5±3.2)个月", [14.5]), ("随访129(100~292)d", [9.6])],
)
def test_durations(text, months):
    assert [d.months for d in find_durations(text)] == [pytest.approx(m, abs=0.01) for m in months]


def test_metres_walked_and_treatment_cycles_are_not_durations():
    assert find_durations("6 min步行距离[(345±76)m比(286±104)m]") == []
    assert find_durations("行走距离由术前的50m延长到120m") == []
    assert find_durations("动员干细胞治疗2-3周期后") == []


def test_calendar_dates_are_not_durations():
    assert find_durations("2012年2月9日发表") == []
    assert find_durations("2010年10月至2017年10月期间") == []


def test_counts():
    found = find_counts("共招募了45名患者,其中30名和15名;n= 111;四名患者;8对双胞胎;16位")
    assert [c.low for c in found] == [45, 30, 15, 111, 4, 16, 16]
    assert find_counts("约为200例/年") == []


def test_leading_int():
    assert leading_int("30岁(18岁以上)") == 30
    assert leading_int("4个") == 4
    assert leading_int("与 X 等人(2016 年)相同的患者; 3 名") is None


def test_administrations():
    text = "两次关节内注射;3 次关节内注射;每周一次,连续4次;第二次MSC治疗;单次注射;双倍剂量"
    assert [int(v.low) for v in find_administrations(text)] == [2, 3, 4, 2, 1, 2]
    assert find_administrations("在最后一次随访时") == []
    assert find_administrations("每4周治疗一次") == []


def test_years():
    assert [int(y.low) for y in find_years("2019年与2016 年,公元1890年")] == [2019, 2016]


@pytest.mark.parametrize(
    ("text", "low", "high", "per_kg"),
    [
        ("2×10⁶/kg", 2e6, 2e6, True),  # superscript kept
        ("3×10⁷个细胞", 3e7, 3e7, False),
        ("1×10的6次方个细胞/kg", 1e6, 1e6, True),  # exponent spelled out
        ("5千万个细胞", 5e7, 5e7, False),
        ("低剂量(每次1千万个)", 1e7, 1e7, False),  # the bracket closes after the unit
        ("每千克体重2×10^6个细胞", 2e6, 2e6, True),
        ("每公斤体重一百一十万个细胞", 1.1e6, 1.1e6, True),
        ("5×10^5~1×10^6/kg", 5e5, 1e6, True),  # only the upper end carries the unit
    ],
)
def test_more_dose_forms(text, low, high, per_kg):
    [d] = find_doses(text)
    assert (d.low, d.high, d.per_kg, d.kind) == (pytest.approx(low), pytest.approx(high), per_kg, "single")


def test_a_range_of_magnitudes_is_two_doses_and_a_range_of_money_none():
    assert [d.low for d in find_doses("剂量约0.5亿至1.5亿个细胞")] == [5e7, 1.5e8]
    assert find_doses("费用约3万~5万元") == []


def test_english_head_counts():
    assert [int(v.low) for v in find_counts("Twelve preterm infants were enrolled; a total of 212 patients")] == [12, 212]
    assert find_counts("aged 3 to 12 years, treated 3 times") == []


def test_counts_in_people_and_administrations_in_all():
    assert [c.low for c in find_counts("共30人;1000人次;30人群")] == [30]
    assert [int(v.low) for v in find_administrations("静脉输注MSC 2×10^6/kg,每周1次,共4次,随访12个月")] == [4]
    assert [int(v.low) for v in find_administrations("每人接受两次动脉内注射")] == [2]
    # the verb at the end of the clause after what was injected
    assert [int(v.low) for v in find_administrations("患者接受了两次经肝动脉自体骨髓间充质干细胞注射(每次5×10^7个)")] == [2]
    assert find_administrations("手术两次,术后恢复良好,随后接受干细胞注射") == []
    assert [int(v.low) for v in find_administrations("于第1天和第8天各经外周静脉输注同种异体hUC-MSCs 1次")] == [2, 1]


def test_genre_number_forms_of_the_blind_set():
    # a citation year in brackets: "Hu 等[3](2016)"
    assert [int(y.low) for y in find_years("Hu 等[3](2016)在一项研究中")] == [2016]
    # 万/亿 dose levels listed with one unit, the last followed by a description of the cells
    doses = find_doses("分别单次静脉注射2500万、5000万和一亿个同种异体脐带MSC")
    assert [d.low for d in doses] == [2.5e7, 5e7, 1e8]
    # a per-kg unit stated once before a list of dose levels applies to all of them
    doses = find_doses("每公斤体重三十万、一百万、三百万个同种异体骨髓间充质干细胞")
    assert [(d.low, d.per_kg) for d in doses] == [(3e5, True), (1e6, True), (3e6, True)]
    # daily infusions over N days are N administrations
    assert [v.low for v in find_administrations("治疗组连续三天每天静脉输注脐带间充质干细胞")] == [3]


@pytest.mark.parametrize(("text", "n"), [
    ("1×10^8个细胞,每月1次共4次,静脉输注", 4),  # a frequency followed by the total
    ("每周静脉输注一次骨髓MSC,连续四周", 4),  # once a week for four weeks
    ("在移植后第6周和第7周各静脉输注一次MSC", 2),  # once at each of two time points
])
def test_administration_schedules(text, n):
    assert max(v.low for v in find_administrations(text)) == n


def test_frequency_alone_is_not_a_count():
    assert not find_administrations("每周1次静脉输注MSC")


def test_repeat_adds_to_the_first_administration():
    from mscflow.parse.numbers import find_administrations

    assert [v.low for v in find_administrations("未愈合者4周后重复输注1次")] == [2.0]
    assert [v.low for v in find_administrations("静脉注射MSC,共3次")] == [3.0]
