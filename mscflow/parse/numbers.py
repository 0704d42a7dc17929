"""Numbers as Chinese MSC articles write them, with the character span of every value.

Cell doses lost their superscripts when the articles were copied (``100 x106`` is 1e8,
``10 x10 6`` is 1e7, ``2X10*7/kg`` is 2e7 per kg, ``106/公斤体重`` is 1e6 per kg), counts use
Chinese numerals (``四名``), magnitudes use 万/亿 (``8.6亿``), and times mix 周/个月/年/天. This
module turns each into a plain value; deciding which value is a study's dose or follow-up is
the extractor's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .memo import per_document

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CN_NUM = "[零〇一二两兩三四五六七八九十百千]+"
NUM = r"\d+(?:\.\d+)?"
GROUPED = r"\d{1,3}(?:,\d{3})+"  # 2,500 (thousands written with a separator)
DASH = "-‐‑‒–—―−~～至到"
_RANGE_SEP = rf"\s*[{DASH}]\s*"

WEEKS_PER_MONTH = 4.345


@dataclass(frozen=True)
class Value:
    """A number found in text with its span (``high`` differs from ``low`` for ranges)."""

    low: float
    high: float
    start: int
    end: int


@dataclass(frozen=True)
class Dose:
    """A cell dose: cells per administration (per kg when ``per_kg``).

    ``kind`` is ``single`` for a dose, ``concentration`` for cells/mL, ``total`` for a
    cumulative amount (总计), ``threshold`` for 超过/以上 bounds; only ``single`` is a dose.
    """

    low: float
    high: float
    per_kg: bool
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Duration:
    """A time span converted to months (weeks / 4.345, years * 12, days / 7 / 4.345)."""

    months: float
    start: int
    end: int


def cn_to_int(text: str) -> int | None:
    """Chinese numeral (``四``, ``十二``, ``两百``, ``三千五百``) to int; None if not one."""
    if not text:
        return None
    total = 0
    section = 0
    digit: int | None = None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch in _CN_BIG:
            section += digit or 0
            total += (section or 1) * _CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def parse_number(text: str) -> float | None:
    """Arabic or Chinese numeral with an optional 万/亿 multiplier (``8.6亿`` -> 8.6e8)."""
    s = text.strip().replace(",", "").rstrip("多余")
    mult = 1.0
    if s and s[-1] in _CN_BIG:
        mult = float(_CN_BIG[s[-1]])
        s = s[:-1].rstrip("多余")
    try:
        return float(s) * mult
    except ValueError:
        n = cn_to_int(s)
        return None if n is None else float(n) * mult


# --- cell doses -------------------------------------------------------------------------------

_MANTISSA = (
    rf"(?P<m>\(\s*{NUM}(?:{_RANGE_SEP}{NUM})?\s*\)"  # (1.0-1.5)
    rf"|{NUM}(?:\s*[、,，]\s*{NUM})*\s*(?:或|和|or|and)\s*{NUM}"  # 25、50、75 或 150
    rf"|{NUM}\s*/\s*{NUM}"  # 8/9
    rf"|{NUM}(?:{_RANGE_SEP}{NUM})?)"  # 0.5–0.6 / 40
)
_TIMES = r"\s*[x×X*＊]\s*"
# exponent forms: x10 6, x10*6, x10^6, x106 (superscript lost, glued), x10⁶ (superscript kept),
# x10的6次方 (spelled out)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_EXP_KEPT = (
    r"(?P<s>¹[⁰¹²]|[³⁴⁵⁶⁷⁸⁹])(?![⁰¹²³⁴⁵⁶⁷⁸⁹])"
    r"|的\s*(?P<c>1[0-2]|[3-9]|十[一二]?|[三四五六七八九])\s*次方"
)
_EXP = rf"10\s*(?:(?:[*^]\s*)?(?P<e>1[0-2]|[3-9])(?!\d)|{_EXP_KEPT})"
_SCI = re.compile(_MANTISSA + _TIMES + _EXP)
# mantissa-free powers: 10^6, 10*6, 10⁶, 10的6次方, and a bare 106 when a unit follows (106/公斤)
_POW = re.compile(rf"(?<![\d.x×X*])10\s*(?:[*^]\s*(?P<e>1[0-2]|[3-9])(?!\d)|{_EXP_KEPT})")
_BARE = re.compile(r"(?<![\d.x×X*^])10(?P<e>[3-9])(?=\s*(?:/|个?细胞|個細胞|cells|MSC))")
_CN_MAG = re.compile(rf"(?P<m>{GROUPED}|{NUM}(?:\s*(?P<k>[十百千]))?|{CN_NUM})\s*(?:多|余)?\s*(?P<u>[万亿萬億])\s*(?:多|余)?\s*(?:个(?=[^,，;;。\d个]{{0,12}}(?:MSC|间充质|間充質|间质|間質|干细胞|幹細胞|细胞|細胞))|个?\s*(?=(?:MSC|间充质|間充質|间质|間質|细胞|細胞|干细胞|[;;,，。、和或及与(()）{re.escape(DASH)}]|$)))")
_PLAIN_CELLS = re.compile(rf"(?P<m>{NUM}|{CN_NUM})\s*(?:多|余)?\s*个\s*(?=MSC|间充质干细胞)")
_PER_KG_AFTER = re.compile(r"\s*(?:个|個)?\s*(?:细胞|細胞|MSCs?|cells?)?\s*(?:/|每)\s*(?:kg|公斤|千克)", re.IGNORECASE)
_PER_KG_BEFORE = re.compile(r"每\s*(?:公斤|千克|kg)\s*(?:体重|體重)?\s*$", re.IGNORECASE)
_PER_ML_AFTER = re.compile(r"\s*(?:个|個)?\s*(?:细胞|細胞|MSCs?|cells?)?\s*/\s*(?:mL|ml|毫升|L)(?![A-Za-z])", re.IGNORECASE)
# sums of money written like cell counts: 捐助500万元, 提拨500万, 费用8万元
_MONEY_AFTER = re.compile(r"(?:\s*[" + re.escape(DASH) + r"]\s*\d+(?:\.\d+)?\s*[万亿萬億]?)?"  # 3万-5万元: a range of money
                          r"\s*(?:元|圆|美元|美金|港元|港币|港幣|台币|台幣|新台币|人民币|人民幣|欧元|日元|块)")
_MONEY_BEFORE = re.compile(r"(?:捐助|捐赠|捐贈|捐款|资助|資助|拨款|提拨|提撥|投资|投資|经费|經費|资金|資金|费用|費用|花费|花費|募集|筹集|\$|￥|港币|港幣|人民币)[^,，;;。]{0,6}$")
_PM_TAIL = re.compile(rf"\s*±\s*{NUM}\s*(?:{_TIMES}10\s*(?:[*^]\s*)?\d{{1,2}})?")
_TOTAL_BEFORE = re.compile(r"(?:总计|總計|总共|共计|累计|合计)[^,，;;。]{0,6}$")
_THRESHOLD_BEFORE = re.compile(r"(?:超过|超過|多于|高于|低于|不到|少于|大于|小于)\s*$")
_THRESHOLD_AFTER = re.compile(r"^\s*(?:个|MSC|细胞)*\s*(?:或)?\s*(?:以上|以下|左右)")


def _exponent(m: re.Match) -> int:
    """The power of ten of an ``_EXP`` match, whichever way it was written."""
    if m.group("e"):
        return int(m.group("e"))
    if m.group("s"):
        return int(m.group("s").translate(_SUPERSCRIPT))
    return int(cn_to_int(m.group("c")) or 0) if not m.group("c").isdigit() else int(m.group("c"))


def _mantissa_values(m: str) -> list[float]:
    return [float(x) for x in re.findall(NUM, m)]


def _scientific_dose(text: str, m: re.Match) -> tuple[int, list[float]] | None:
    """``2.5×10^6``, ``(1.0-1.5) x10 6``: mantissas times the power; a ``± sd`` tail is part of it."""
    vals = [v * 10 ** _exponent(m) for v in _mantissa_values(m.group("m"))]
    tail = _PM_TAIL.match(text, m.end())
    return (tail.end() if tail else m.end()), vals


def _power_dose(text: str, m: re.Match) -> tuple[int, list[float]] | None:
    """``10^6``, ``10⁶``, ``10的6次方``: a power of ten with no mantissa."""
    return m.end(), [10.0 ** _exponent(m)]


def _bare_power_dose(text: str, m: re.Match) -> tuple[int, list[float]] | None:
    """``106/公斤``: a glued power of ten that only a following unit makes a dose."""
    return m.end(), [10.0 ** int(m.group("e"))]


def _chinese_magnitude_dose(text: str, m: re.Match) -> tuple[int, list[float]] | None:
    """``8.6亿个``, ``5千万``: a number times 万/亿 (and 十/百/千 before them)."""
    k = m.group("k")
    base = parse_number(m.group("m")[: -1] if k else m.group("m"))
    if base is None:
        return None
    base *= _CN_UNITS[k] if k else 1  # 5千万 = 5 × 千 × 万
    return m.end(), [base * _CN_BIG[m.group("u")]]


def _plain_cell_count_dose(text: str, m: re.Match) -> tuple[int, list[float]] | None:
    """``5000个MSC``: a plain number of cells, a dose only from a thousand up."""
    base = parse_number(m.group("m"))
    if base is None or base < 1000:
        return None
    return m.end(), [base]


# Tried in this order; a later form never reads inside a span an earlier one took.
_DOSE_FORMS = (
    (_SCI, _scientific_dose),
    (_POW, _power_dose),
    (_BARE, _bare_power_dose),
    (_CN_MAG, _chinese_magnitude_dose),
    (_PLAIN_CELLS, _plain_cell_count_dose),
)


def _dose_spans(text: str) -> list[tuple[int, int, list[float], int]]:
    """(start, end, values, 0) of every dose-shaped number, each form reading only free text."""
    found: list[tuple[int, int, list[float], int]] = []
    taken: list[tuple[int, int]] = []
    for rx, read in _DOSE_FORMS:
        for m in rx.finditer(text):
            if not all(m.end() <= a or m.start() >= b for a, b in taken):
                continue  # e.g. the "± 0.4×10 6" tail of the previous dose
            read_off = read(text, m)
            if read_off is None:
                continue
            end, vals = read_off
            found.append((m.start(), end, vals, 0))
            taken.append((m.start(), end))
    return found


def _dose_kind(before: str, after: str) -> str:
    """First that applies: cells/mL, a cumulative amount, a bound, else a single dose."""
    if _PER_ML_AFTER.match(after):
        return "concentration"
    if _TOTAL_BEFORE.search(before):
        return "total"
    if _THRESHOLD_BEFORE.search(before) or _THRESHOLD_AFTER.match(after):
        return "threshold"
    return "single"


@per_document
def find_doses(text: str) -> list[Dose]:
    """Every cell dose in text, in order, classified (single / concentration / total / threshold)."""
    doses = []
    for start, end, vals, _ in sorted(_dose_spans(text)):
        after = text[end : end + 16]
        before = text[max(0, start - 12) : start]
        if not vals or _MONEY_AFTER.match(after) or _MONEY_BEFORE.search(before):
            continue
        per_kg = bool(_PER_KG_AFTER.match(after) or _PER_KG_BEFORE.search(before))
        doses.append(Dose(min(vals), max(vals), per_kg, _dose_kind(before, after), start, end))
    return _join_ranges(text, doses)


_LIST_SEP = re.compile(r"\s*(?:[、,，]|和|或|及|与|與)\s*")


def _share_units(text: str, doses: list[Dose]) -> list[Dose]:
    """A list of dose levels states the per-kg unit once, before the first (``每公斤体重三十万、
    一百万、三百万个``) or after the last (``1、3、6或10 ×10^6/kg`` is one match already)."""
    out = list(doses)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if (a.kind == b.kind == "single" and a.per_kg and not b.per_kg
                and _LIST_SEP.fullmatch(text[a.end : b.start])):
            out[i + 1] = replace(b, per_kg=True)
    for i in range(len(out) - 1, 0, -1):
        a, b = out[i - 1], out[i]
        if (a.kind == b.kind == "single" and b.per_kg and not a.per_kg
                and _LIST_SEP.fullmatch(text[a.end : b.start])):
            out[i - 1] = replace(a, per_kg=True)
    return out


def _join_ranges(text: str, doses: list[Dose]) -> list[Dose]:
    """``5×10^5~1×10^6/kg`` is one range of doses, per kg as its upper end says (only the upper
    end carries the unit, so the lower one would otherwise read as a whole-body dose)."""
    doses = _share_units(text, doses)
    out: list[Dose] = []
    for d in doses:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == d.kind == "single" and d.per_kg and not prev.per_kg
                and re.fullmatch(_RANGE_SEP, text[prev.end : d.start])):
            out[-1] = Dose(min(prev.low, d.low), max(prev.high, d.high), prev.per_kg or d.per_kg, "single",
                           prev.start, d.end)
        else:
            out.append(d)
    return out


# --- durations ----------------------------------------------------------------------------------

_UNIT_MONTHS = {"年": 12.0, "年半": 18.0, "个月": 1.0, "個月": 1.0, "月": 1.0, "周": 1 / WEEKS_PER_MONTH,
                "週": 1 / WEEKS_PER_MONTH, "星期": 1 / WEEKS_PER_MONTH,
                "个星期": 1 / WEEKS_PER_MONTH, "個星期": 1 / WEEKS_PER_MONTH,
                "天": 1 / 7 / WEEKS_PER_MONTH, "日": 1 / 7 / WEEKS_PER_MONTH}
# a median with its range, 18(6~36)个月, or a mean with its SD, (14.5±3.2)个月, before the unit
_SPREAD = rf"(?P<spread>\s*[(（]\s*{NUM}\s*[{DASH}，,]\s*(?P<hi>{NUM})\s*[)）]|\s*±\s*{NUM}\s*[)）]?)?"
_DUR = re.compile(
    rf"(?P<a>{NUM}|{CN_NUM}|半)(?:\s*[{DASH}]\s*(?P<b>{NUM}|{CN_NUM}))?{_SPREAD}\s*(?:多)?\s*"
    r"(?P<u>个月|個月|年(?!\d|[零〇一二三四五六七八九十]+月)|周(?!期)|週(?!期)|[个個]?星期|天|日(?!期))"  # 周期: cycles
)
_YEAR_AT = re.compile(r"(?:19|20)\d\d\s*$")


@per_document
def find_durations(text: str) -> list[Duration]:
    """Time spans in months: ``12 个月`` 12, ``96 周`` 22.09, ``7年`` 84, ``半年`` 6, ``42天`` 1.38.

    Calendar years (``2012年``) and dates (``2月9日``) are not durations.
    """
    out = []
    for m in _DUR.finditer(text):
        a, b, unit = m.group("a"), m.group("b"), m.group("u")
        if a == "半":
            if unit != "年":
                continue
            value = 0.5
        else:
            va = parse_number(a)
            vb = parse_number(b) if b else None
            if va is None:
                continue
            value = max(va, vb or 0.0, float(m.group("hi") or 0))
        if unit == "年" and (value >= 1900 or _YEAR_AT.search(text[: m.start()])):
            continue
        if unit == "日" and text[m.start() - 1 : m.start()] == "月":
            continue
        if unit == "月" and not re.search(r"\d\s*$|[个個]$", text[: m.end() - 1]):
            continue
        if unit == "月":  # bare 月 is a calendar month (2月9日) unless written 个月
            continue
        if unit == "年" and text[m.end() : m.end() + 1] == "半":
            value += 0.5
        out.append(Duration(round(value * _UNIT_MONTHS[unit], 2), m.start(), m.end()))
    out.extend(_english_durations(text, out))
    return sorted(out, key=lambda d: d.start)


_ENGLISH_UNIT_MONTHS = {"d": 1 / 7 / WEEKS_PER_MONTH, "wk": 1 / WEEKS_PER_MONTH, "mo": 1.0, "yr": 12.0}
_EN_DUR = re.compile(
    rf"(?<![A-Za-z0-9.])(?P<a>{NUM})(?:\s*[{DASH}]\s*(?P<b>{NUM}))?{_SPREAD}\s*"
    r"(?P<u>days?|d|weeks?|wks?|w|months?|mos?|m|years?|yrs?|y)(?![A-Za-z])"
)
_EN_UNIT = {"day": "d", "days": "d", "d": "d", "week": "wk", "weeks": "wk", "wk": "wk", "wks": "wk", "w": "wk",
            "month": "mo", "months": "mo", "mo": "mo", "mos": "mo", "m": "mo", "year": "yr", "years": "yr",
            "yr": "yr", "yrs": "yr", "y": "yr"}


_DISTANCE_BEFORE = re.compile(r"距离|距離|行走|步行|长度|長度|身高|高度|跑")


def _english_durations(text: str, found: list[Duration]) -> list[Duration]:
    """``12 wk``, ``3 mo``, ``2 yr``, ``28 d``, ``24 weeks`` (English units, as tables and
    abstracts write them); a bare ``m`` only right after the digits (``10 m`` is a distance)."""
    out = []
    taken = [(d.start, d.end) for d in found]
    for m in _EN_DUR.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        unit = m.group("u").lower()
        if unit == "m" and (m.group().rstrip()[-2:-1].isspace() or m.group("spread")
                            or _DISTANCE_BEFORE.search(text[max(0, m.start() - 20) : m.start()])):
            continue  # "10 m", "(345±76)m", "行走距离由50m延长到120m" are metres walked
        value = max(float(m.group("a")), float(m.group("b") or 0), float(m.group("hi") or 0))
        out.append(Duration(round(value * _ENGLISH_UNIT_MONTHS[_EN_UNIT[unit]], 2), m.start(), m.end()))
    return out



# --- counts -------------------------------------------------------------------------------------

_COUNT = re.compile(
    rf"(?:n\s*=\s*(?P<n>\d+))|(?P<c>\d+|{CN_NUM})\s*(?P<u>名|例|位|对|人(?![次群民类體体口员員工数數均]))(?!\s*[/次])"
)


# English head counts as abstracts write them: "116 patients", "Twelve preterm infants"
_EN_NUMBER_WORDS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"])} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
_EN_PEOPLE = (r"(?:patients|participants|subjects|children|infants|neonates|adults|volunteers|men|women|cases)\b")
_EN_COUNT = re.compile(
    r"(?<![\w.])(?P<v>\d{1,5}|" + "|".join(sorted(_EN_NUMBER_WORDS, key=len, reverse=True)) + r")\s+"
    r"(?:[A-Za-z\-]+\s+){0,4}?" + _EN_PEOPLE, re.I)


def _english_counts(text: str) -> list[Value]:
    out = []
    for m in _EN_COUNT.finditer(text):
        raw = m.group("v").lower()
        v = float(raw) if raw.isdigit() else float(_EN_NUMBER_WORDS[raw])
        if v > 0:
            out.append(Value(v, v, m.start(), m.start() + len(m.group("v"))))
    return out


@per_document
def find_counts(text: str) -> list[Value]:
    """People counts: ``45名``, ``287例``, ``16位``, ``四名``, ``n=108``, ``116 patients``,
    ``Twelve preterm infants``; ``8对`` twins counts 16."""
    out = _english_counts(text)
    for m in _COUNT.finditer(text):
        raw = m.group("n") or m.group("c")
        v = parse_number(raw)
        if v is None or v <= 0:
            continue
        if m.group("c") and not raw[0].isdigit() and text[max(0, m.start() - 1) : m.start()] in ("几", "幾", "数", "數", "上", "近"):
            continue  # "几十例", "数百名", "上千例": a vague size, not a count
        if m.group("u") == "对":
            if "双胞胎" not in text[m.end() : m.end() + 12]:
                continue
            v *= 2
        out.append(Value(v, v, m.start(), m.end()))
    return sorted(out, key=lambda c: c.start)


def leading_int(text: str) -> int | None:
    """The integer a cell starts with (``30岁(18岁以上)`` -> 30, ``4个`` -> 4), else None."""
    m = re.match(r"\s*(\d+)(?![\d.])", text)
    return int(m.group(1)) if m else None


_TIMES_COUNT = re.compile(rf"(?P<c>\d+|{CN_NUM})\s*次")
_ADMIN_VERB = re.compile(r"连续|連續|MSC|细胞|細胞|注射|输注|輸注|输入|移植|治疗|治療|给药|滴注|植入|剂量|劑量|给予")
_IN_ALL = re.compile(r"[共總总]计?\s*$")
_SINGLE = re.compile(r"单次|單次|单剂量|單劑量|单阶段|單階段|一次性"
                     r"|(?i:\ba single (?:[a-z\-]+ ){0,2}(?:infusion|injection|dose|administration)|administered once\b)")
_DAILY = re.compile(
    rf"(?:连续|連續)\s*(?P<c>\d+|{CN_NUM})\s*(?:天|日)\s*(?:每天|每日)[^,，;;。]{{0,4}}(?:注射|输注|輸注|给药|給藥|给予|給予)"
    rf"|(?:每天|每日)[^,，;;。]{{0,10}}(?:注射|输注|輸注|给药|給藥)[^,，;;。]{{0,10}}(?:连续|連續|共)\s*(?P<d>\d+|{CN_NUM})\s*(?:天|日)"
    # "…静脉输注,…,每天一次,连续3天": the verb stated earlier in the sentence
    rf"|(?:每天|每日)\s*(?:一次|1\s*次)\s*[,，]?\s*(?:连续|連續|共)\s*(?P<e>\d+|{CN_NUM})\s*(?:天|日)"
)
_PERIODIC = re.compile(
    rf"每\s*(?P<p>周|週|月|个月|個月)[^,，;;。]{{0,12}}?(?:一次|1\s*次)[^;;。]{{0,16}}?(?:连续|連續|共)\s*(?P<c>\d+|{CN_NUM})\s*(?:周|週|个月|個月|月)"
)
# "在移植后第6周和第7周各静脉输注一次": one administration at each of two stated time points
_EACH_TIME_POINT = re.compile(
    rf"第\s*(?:\d+|{CN_NUM})\s*(?:天|日|周|週|个月|個月|月)\s*(?:和|及|与|與|、)\s*第\s*(?:\d+|{CN_NUM})\s*(?:天|日|周|週|个月|個月|月)"
    rf"\s*各[^,，;;。]{{0,32}}?(?:一次|1\s*次)"  # …第8天各经外周静脉输注同种异体hUC-MSCs 1次
)
_DOUBLE = re.compile(r"双剂量|雙劑量|双倍剂量|雙倍劑量|双次|雙次")
# "8周后重复注射1次", "必要时再输注1次": one more after the first, so the schedule is N + 1
_REPEAT_BEFORE = re.compile(r"(?:重复|重複|再|追加)[^,，;;。\d]{1,4}$")


_FREQUENCY_BEFORE = re.compile(r"(?:每(?!人|例|位|名|个?患者)[^,，;;。]{0,4}|再)$")
_NOT_ADMIN_AFTER = ("随访", "隨訪", "复查", "複查")  # "3次随访": visits, not administrations


def _is_frequency(before: str) -> bool:
    """每周一次, not 每人两次; "每月1次共4次" still counts the 4."""
    return bool(_FREQUENCY_BEFORE.search(before)) and not _IN_ALL.search(before)


_CLAUSE_END = re.compile(r"[,，;；。]")


def _administration_window(text: str, m: re.Match, before: str) -> str:
    """Where the verb that makes ``N次`` an administration must be: around it (after it, up to the
    clause's end: ``两次经肝动脉自体骨髓MSC注射``), or after 共
    (``…静脉输注MSC 2×10^6/kg,共2次``) anywhere earlier in the same sentence."""
    if _IN_ALL.search(before):
        return text[text.rfind("。", 0, m.start()) + 1 : m.end() + 12][-60:]
    after = _CLAUSE_END.split(text[m.end() : m.end() + 22], maxsplit=1)[0]  # 两次经肝动脉自体…注射
    return text[max(0, m.start() - 8) : m.start()] + m.group() + after


def _counted_times(text: str) -> list[Value]:
    """``3 次``, ``两次`` next to an administration verb; a repeat (``再输注1次``) adds the first."""
    out = []
    for m in _TIMES_COUNT.finditer(text):
        before = text[max(0, m.start() - 6) : m.start()]
        if _is_frequency(before):
            continue
        window = _administration_window(text, m, before)
        if not _ADMIN_VERB.search(window) or text[m.end() : m.end() + 2] in _NOT_ADMIN_AFTER:
            continue
        v = parse_number(m.group("c"))
        if v is None or v <= 0 or v > 50:
            continue
        if _REPEAT_BEFORE.search(text[max(0, m.start() - 8) : m.start()]):
            v += 1
        out.append(Value(v, v, m.start(), m.end()))
    return out


def _scheduled_times(text: str) -> list[Value]:
    """Once a period for N periods (``每周…一次,连续四周``, up to 24) or once a day for N days
    (``连续三天每天静脉输注``, up to 14)."""
    out = []
    for m in _PERIODIC.finditer(text):
        v = parse_number(m.group("c"))
        if v and 0 < v <= 24:
            out.append(Value(v, v, m.start(), m.end()))
    for m in _DAILY.finditer(text):
        v = parse_number(m.group("c") or m.group("d") or m.group("e"))
        if v and 0 < v <= 14:
            out.append(Value(v, v, m.start(), m.end()))
    return out


def _worded_times(text: str) -> list[Value]:
    """Numbers said in words: ``单次`` 1, ``双剂量`` 2, ``第6周和第7周各…一次`` 2."""
    return [Value(v, v, m.start(), m.end())
            for rx, v in ((_SINGLE, 1.0), (_DOUBLE, 2.0), (_EACH_TIME_POINT, 2.0))
            for m in rx.finditer(text)]


@per_document
def find_administrations(text: str) -> list[Value]:
    """How many times cells were given: ``3 次``, ``两次``, ``第二次``, ``单次`` (1), ``双剂量`` (2).

    Frequencies (``每周一次``) are skipped: they say how often, not how many times.
    """
    out = _counted_times(text) + _scheduled_times(text) + _worded_times(text)
    return sorted(out, key=lambda x: x.start)


_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-3]\d)(?=\s*年)")
# a citation year in brackets after the authors: "Hu 等(2016)", "Wang 等 (2013)[11]"
_CITED_YEAR = re.compile(r"(?<=[(（])\s*(19[5-9]\d|20[0-3]\d)(?=\s*[)）])")


@per_document
def find_years(text: str) -> list[Value]:
    """Calendar years written ``2019年`` / ``2016 年``, or bracketed as a citation ``(2019)``."""
    found = [m for rx in (_YEAR, _CITED_YEAR) for m in rx.finditer(text)]
    return [Value(float(m.group(1)), float(m.group(1)), m.start(1), m.end(1))
            for m in sorted(found, key=lambda m: m.start(1))]


_PERCENT = re.compile(rf"{NUM}\s*%")


@per_document
def find_percents(text: str) -> list[Value]:
    """Rates such as ``66%`` or ``87.5 %``."""
    return [
        Value(float(m.group().rstrip("% ").strip()), float(m.group().rstrip("% ").strip()), m.start(), m.end())
        for m in _PERCENT.finditer(text)
    ]
