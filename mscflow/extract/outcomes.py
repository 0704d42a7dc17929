"""Outcomes: the stated results of each study (core.outcomes), read as named passes over the
measures a sentence names (assets/vocab/outcomes.yaml).

Measures joined by 和/及/、 form one group; the text after a group up to the next measure is its
tail. Passes over a group, first that reads wins: ``from_to`` (从A降至B, each arm's), ``respectively``
(分别为A和B: one value per measure, else per arm, else per paired time), ``change`` (增加10%,
缩小20%: signed), ``stated`` (为A%, A分), ``count_after`` (完全缓解13名, 达PASI 50者8例(47.1%)), then
within the tail ``arm_value`` (对照组为B, 对照组下降约25%: the same measure for another arm); with
no value in the tail, ``rate_of_patients`` (32%的患者…复发, MSC组有3例、对照组有6例…复发) reads
the figures before the measure. Sentences of an abstract's aims or methods, or of a case's
history before the cells are given, are not read."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..parse.numbers import find_durations
from ..parse.vocab import Match, load_vocab
from .results import (
    CONTROL,
    DURATION_VALUE,
    NUM,
    UNIT,
    VALUE,
    Sentence,
    arm_of,
    clause_span,
    has_control,
    owned_sentences,
    p_value,
    result_id,
    timepoint,
)

_JOIN = re.compile(r"^[\s和及与、,/()的]*(?:\d+\s*(?:年|个月|周|天)[\s的]*)?$")
_FROM = re.compile(r"(?:从|由)[^,;。\d]{0,8}$")  # 由基线的…, 由导入期的…
_TO = re.compile(r"^[^,;。\d(]{0,16}?(?:降至|下降至|下降到|降到|降低至|降低到|减少到|减少至|升高至|升高到|升至|上升至|"
                 r"上升到|提高到|提高至|增加到|增加至|将至|至)[^,;。(]{0,14}?$")
_LIST_HEAD = re.compile(r"^[^,;。]{0,24}?(分别为|分别是|均为|为)\s*$")
_LIST_SEP = re.compile(r"^\s*(?:%|个月|d|天|分|秒|h)?\s*(?:和|与|及|、|对|比|vs\.?)\s*$", re.I)
_VERSUS = re.compile(r"^\s*(?:%\s*)?(?:对|比|vs\.?)\s*$", re.I)
_DEFINITION = re.compile(r"^\([^()]*\)")  # 联合缓解率(临床上…>2 cm的积液)为53.3%
_STATED_GAP = re.compile(r"^[^,;。\d]{0,12}?(?:为|是|达到|达|:)?[^,;。\d]{0,3}$")
_PATIENT_RATE = re.compile(rf"\(?\s*({NUM})\s*%\s*\)?\s*(?:的)?(?:患者|病人)?[^,;。%]{{0,20}}$")
_PATIENT_COUNT = re.compile(r"(\d+)\s*(?:名|例|位)[^,;。\d]{0,6}$")
_CHANGE_VERB = r"(增加|提高|升高|上升|改善|降低|下降|减少|缩小|减小|多出|高出)"
_CHANGE = re.compile(rf"[^,;。%]{{0,16}}?{_CHANGE_VERB}了?\s*(?:约)?\s*({NUM})\s*(%|个百分点|分|m(?![A-Za-z]))")
_ARMS = (r"(对照组|安慰剂组|非SCT组|标准治疗组|常规治疗组|假手术组|MSC治疗组|治疗组|观察组|试验组|干细胞组|细胞组|SCT组|"
         r"[A-Za-z\-]*MSCs?组)")
_ARM_VALUE = re.compile(rf"{_ARMS}[^,;。\d]{{0,8}}?(?:为|:|,|是|{_CHANGE_VERB}了?)\s*\(?\s*(?:约)?\s*({NUM})")
_ARM_COUNT = re.compile(rf"{_ARMS}[^,;。\d、]{{0,3}}?(\d+)\s*(?:名|例|人)")
_COUNT_AFTER = re.compile(rf"[^,;。\d]{{0,6}}?者?\s*(\d+)\s*(?:名|例|人)(?:\s*\(\s*({NUM})\s*%\s*\))?")
_ENROLLED = re.compile(r"纳入|入组|招募|选取|共有|收治")
_CITED = re.compile(r"\[\d+(?:\s*[-,~]\s*\d+)*\]|文献报道|既往研究|既往文献")
_HEDGED = re.compile(r"可高达|可达|高达")  # 重度患者术后复发率可高达60%: the disease, not the study
_NO_DIFFERENCE = re.compile(r"无显著差异|无明显差异|没有差异|无差异|没有显著性差别|差异无统计学意义|没有明显的差异")
_DOWN = re.compile(r"降低|下降|减少|缩小|减小")


@dataclass(frozen=True)
class Figure:
    """One value read for a measure group, with its span in the sentence and its reader."""

    value: float
    start: int
    end: int
    rule: str
    baseline: float | None = None
    unit: str | None = None
    arm: str | None = None
    measure: Match | None = None  # set when a list gives one value per measure
    kind: str | None = None
    months: float | None = None  # a time the list itself assigns (paired times)


def _groups(matches: list[Match], sentence: str) -> list[list[Match]]:
    """Measures joined only by connectors (5年总生存率和PFS, 无进展生存率(PFS)) form one group."""
    groups: list[list[Match]] = []
    for m in matches:
        if groups and _JOIN.match(sentence[groups[-1][-1].end:m.start]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


_SD_TAIL = re.compile(rf"\s*(?:±\s*{NUM})?\s*\)?")


def _unit(sentence: str, end: int) -> tuple[str | None, int]:
    """The unit written after a number (past its ± SD and bracket: (9.4±4.1)分)."""
    end = _SD_TAIL.match(sentence, end).end()
    m = UNIT.match(sentence, end)
    return (m.group(1), m.end()) if m else (None, end)


def _values(sentence: str, start: int, stop: int, group: list[Match] | None = None) -> list[re.Match]:
    """Numbers written as values; a median survival's months are its value, not a time."""
    duration = bool(group) and load_vocab("outcome").attr(group[0].code, "kind") == "duration"
    pattern = DURATION_VALUE if duration else VALUE
    return [m for m in pattern.finditer(sentence, start, stop) if m.group(1)]


def _from_to(s: str, tail: int, stop: int, _g: list[Match]) -> list[Figure]:
    """从A降至B, and each further 由A降至B of the tail (another arm's, in its own clause)."""
    vals = _values(s, tail, stop)
    out: list[Figure] = []
    for a, b in zip(vals, vals[1:], strict=False):
        head = s[max(tail, out[-1].end if out else tail):a.start()]
        if _FROM.search(head) and _TO.match(s[_unit(s, a.end())[1]:b.start()]):
            unit, _ = _unit(s, b.end())
            out.append(Figure(float(b.group(1)), b.start(1), b.end(1), "from_to", float(a.group(1)), unit))
    return out


def _listed(s: str, vals: list[re.Match]) -> list[re.Match]:
    listed = [vals[0]]
    for v in vals[1:]:
        if not _LIST_SEP.match(s[listed[-1].end():v.start()]):
            break
        listed.append(v)
    return listed


def _respectively(s: str, tail: int, stop: int, group: list[Match]) -> list[Figure]:
    vals = _values(s, tail, stop, group)
    if len(vals) < 2:
        return []
    listed = _listed(s, vals)
    versus = bool(_VERSUS.match(s[listed[0].end():listed[1].start()])) if len(listed) > 1 else False
    if len(listed) < 2 or not (_LIST_HEAD.match(s[tail:vals[0].start()]) or (versus and _STATED_GAP.match(s[tail:vals[0].start()]))):
        return []
    unit = _unit(s, listed[-1].end())[0] or _unit(s, listed[0].end())[0]
    figs = [Figure(float(v.group(1)), v.start(1), v.end(1), "respectively", unit=unit) for v in listed]
    if len(group) == len(figs):
        return [replace(f, measure=m) for f, m in zip(figs, group, strict=True)]
    if "均为" in s[tail:listed[0].start()]:
        return [replace(figs[0], measure=m) for m in group]
    return _paired_times(s, group, figs)


def _paired_times(s: str, group: list[Match], figs: list[Figure]) -> list[Figure]:
    """两组的3年和5年生存率分别为A vs B和C vs D: pairs of arms, one pair per time named."""
    c0, _ = clause_span(s, group[0].start)
    times = [d for d in find_durations(s[c0:group[0].start])]
    if len(times) < 2 or len(figs) != 2 * len(times):
        return figs
    arms = ("treatment", "control")
    return [replace(f, arm=arms[i % 2], months=round(float(times[i // 2].months), 2)) for i, f in enumerate(figs)]


def _stated(s: str, tail: int, stop: int, group: list[Match]) -> list[Figure]:
    vals = _values(s, tail, stop)
    if not vals or not _STATED_GAP.match(_DEFINITION.sub("", s[tail:vals[0].start()], count=1)):
        return []
    v = vals[0]
    unit, _ = _unit(s, v.end())
    fig = Figure(float(v.group(1)), v.start(1), v.end(1), "stated", unit=unit)
    if len(group) > 1 and "均为" in s[tail:v.start()]:
        return [replace(fig, measure=m) for m in group]  # 10年总生存率和10年缓解生存率均为86.0%
    return [fig]


def _change(s: str, tail: int, stop: int, _g: list[Match]) -> list[Figure]:
    m = _CHANGE.match(s, tail, stop)
    if not m:
        return []
    sign = -1.0 if _DOWN.match(m.group(1)) else 1.0
    return [Figure(sign * float(m.group(2)), m.start(2), m.end(2), "change", unit=m.group(3), kind="change")]


def _count_after(s: str, tail: int, stop: int, _g: list[Match]) -> list[Figure]:
    """完全缓解13名, 达到PASI 50者8例(47.1%): patients counted after the measure (their share when given)."""
    m = _COUNT_AFTER.match(s, tail, stop)
    if not m:
        return []
    if m.group(2):
        return [Figure(float(m.group(2)), m.start(2), m.end(2), "count_after", unit="%", kind="rate")]
    return [Figure(float(m.group(1)), m.start(1), m.end(1), "count_after", kind="count")]


def _before(s: str, group: list[Match], _stop: int) -> list[Figure]:
    """The share or count of patients written before the measure, in its clause."""
    c0, _ = clause_span(s, group[0].start)
    head = s[c0:group[0].start]
    if _ENROLLED.search(head):
        return []  # 纳入48例射血分数降低的…患者: who was enrolled, not what they had
    arms = list(_ARM_COUNT.finditer(head))
    if len(arms) >= 2:  # MSC组有3例、对照组有6例病情复发
        return [Figure(float(m.group(2)), c0 + m.start(2), c0 + m.end(2), "rate_of_patients", kind="count",
                       arm="control" if CONTROL.match(m.group(1)) else "treatment") for m in arms]
    if (m := _PATIENT_RATE.search(head)) is not None:
        return [Figure(float(m.group(1)), c0 + m.start(1), c0 + m.end(1), "rate_of_patients", unit="%", kind="rate")]
    if (m := _PATIENT_COUNT.search(head)) is not None:
        return [Figure(float(m.group(1)), c0 + m.start(1), c0 + m.end(1), "rate_of_patients", kind="count")]
    return []


def _arm_values(s: str, after: int, stop: int) -> list[Figure]:
    """对照组为57.1%: further arms' values for the same measure, later in its tail."""
    out = []
    for m in _ARM_VALUE.finditer(s, after, stop):
        arm = "control" if CONTROL.match(m.group(1)) else "treatment"
        value, unit = float(m.group(3)), _unit(s, m.end(3))[0]
        if m.group(2):  # 对照组下降约25%: a signed change
            value = -value if _DOWN.match(m.group(2)) else value
        out.append(Figure(value, m.start(3), m.end(3), "arm_value", unit=unit, arm=arm,
                          kind="change" if m.group(2) else None))
    return out


PASSES: tuple[Callable[[str, int, int, list[Match]], list[Figure]], ...] = (_from_to, _respectively, _change, _stated,
                                                                          _count_after)


def _figures(s: str, group: list[Match], stop: int) -> list[Figure]:
    tail = group[-1].end
    for read in PASSES:
        figs = read(s, tail, stop, group)
        if figs:
            last = max(f.end for f in figs)
            return figs + [f for f in _arm_values(s, last, stop) if f.start > last]
    return _arm_values(s, tail, stop) or _before(s, group, stop)


def _list_arms(figs: list[Figure], sentence: Sentence) -> list[str | None]:
    """Arms of values listed for one measure: treated then control when the study has a control."""
    if len(figs) < 2 or any(f.measure or f.arm for f in figs) or any(f.rule != "respectively" for f in figs):
        return [f.arm for f in figs]
    if len(figs) == 2 and has_control(sentence.study, sentence.text):
        return ["treatment", "control"]
    return ["treatment"] * len(figs)


_UP = re.compile(r"升高|提高|增加|上升|回升|增至|升至|多出|高出")
_IMPROVED = re.compile(r"改善|好转")


def _direction(code: str, fig: Figure, clause: str) -> str | None:
    """As stated (无显著差异, 改善), else from the figure's sign against the measure's better side:
    a from-to, a signed change, or the verb that moved it (提高到约70%)."""
    if _NO_DIFFERENCE.search(clause):
        return "no_difference"
    better = load_vocab("outcome").attr(code, "better")
    if better not in ("lower", "higher"):
        return "improved" if _IMPROVED.search(clause) else None
    if fig.baseline is not None:
        moved = 0 if fig.baseline == fig.value else (1 if fig.value > fig.baseline else -1)
    elif fig.kind == "change":
        moved = 1 if fig.value > 0 else -1
    else:
        up, down = _UP.search(clause), _DOWN.search(clause)
        moved = 1 if up and not down else (-1 if down and not up else 0)
    if moved == 0:
        return "improved" if _IMPROVED.search(clause) else None
    return "improved" if (moved < 0) == (better == "lower") else "worsened"


def _record(sentence: Sentence, measure: Match, fig: Figure, arm: str | None, group: list[Match],
            listed: tuple[int, int] = (0, 0)) -> dict:
    s, study = sentence.text, sentence.study
    vocab = load_vocab("outcome")
    c0, c1 = clause_span(s, fig.start)
    g0 = clause_span(s, group[0].start)[0]
    previous = clause_span(s, max(0, g0 - 1))[0] if g0 else g0
    arm = arm or arm_of(s[c0:fig.start]) or arm_of(s[g0:group[0].start]) or arm_of(s[previous:g0]) or "treatment"
    if arm == "all" and not has_control(study, s):
        arm = "treatment"  # a single-arm study's patients are its treated patients
    kind = fig.kind or vocab.attr(measure.code, "kind", "level")
    if kind == "rate" and fig.unit not in (None, "%"):
        kind = "level"
    skip = (fig.start, fig.end + 4) if kind == "duration" else listed
    start, end = sentence.start + fig.start, sentence.start + fig.end
    return {
        "outcome_id": result_id(study["study_id"], measure.code, start), "study_id": study["study_id"],
        "document_id": study["document_id"], "measure": measure.code, "measure_text": measure.term, "arm": arm,
        "timepoint_months": fig.months if fig.months is not None else (
            None if kind == "duration" else timepoint(s, fig.start, skip)), "value_kind": kind,
        "baseline": fig.baseline, "value": fig.value, "unit": fig.unit, "direction": _direction(measure.code, fig, s[c0:c1]),
        "p_value": p_value(s[fig.end:c1 + 20]), "evidence_text": s, "char_start": start, "char_end": end,
        "rule": f"outcome:{fig.rule}",
    }


_BEFORE_TREATMENT = re.compile(r"入院时|治疗前|基线时|术前")
_BASELINE_CONTEXT = re.compile(r"入院|查体|基线资料|确诊|诊断为|到院检查")
_TREATMENT_GIVEN = re.compile(r"(?:给予|输注|注射|移植|植入|回输|放入)[^。]{0,24}?(?:干细胞|MSC|细胞)|"
                              r"(?:干细胞|MSC|细胞)[^。]{0,16}?(?:输注|注射|移植|植入|回输|放入)")
# an abstract's section label: the last one before a sentence says what the sentence is
_SECTION_LABEL = re.compile(r"(?:^|(?<=[\s。】\]:]))(目的|方法|结果|结论|背景|Objective|Methods?|Results?|Conclusions?|Background)"
                            r"(?=\s*[:\s])")
_NOT_RESULTS = {"目的", "方法", "背景", "Objective", "Method", "Methods", "Background"}


def _not_a_result_context(text: str, sentence: Sentence) -> bool:
    """An abstract's aims or methods, or a case's history (入院…, 确诊…) before its line says
    the cells were given: what is stated there is the plan or the baseline."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    labels = list(_SECTION_LABEL.finditer(text, line_start, sentence.start + 4))
    if labels and labels[-1].group(1) in _NOT_RESULTS:
        return True
    upto = text[line_start:sentence.end]
    opened = [m.end() for m in _BASELINE_CONTEXT.finditer(upto)]
    return bool(opened) and not _TREATMENT_GIVEN.search(upto, opened[-1])


def _cited_elsewhere(sentence: Sentence) -> bool:
    """A study that cites nothing does not report what a cited sentence says (a single-study
    page's background: 5年生存率降至14%~35%[2], 文献报道其…有效率为50%~70%)."""
    return not sentence.study.get("reference_marker") and bool(_CITED.search(sentence.text))


def _sentence_outcomes(sentence: Sentence) -> list[dict]:
    s = sentence.text
    matches = [m for m in load_vocab("outcome").find(s)
               if not _BEFORE_TREATMENT.search(s[:m.start])  # a baseline, not a result
               and not s.startswith("型", m.end) and not s.startswith("缓解型", m.end)]  # 复发缓解型: a subtype
    groups = _groups(matches, s)
    out = []
    for i, group in enumerate(groups):
        stop = groups[i + 1][0].start if i + 1 < len(groups) else len(s)
        figs = [f for f in _figures(s, group, stop) if not _HEDGED.search(s[max(0, f.start - 6):f.start])]
        listed = (figs[0].start, figs[-1].end + 4) if len(figs) > 1 else (0, 0)
        recs = [_record(sentence, fig.measure or group[0], fig, arm, group, listed)
                for fig, arm in zip(figs, _list_arms(figs, sentence), strict=True)]
        for rec in recs[1:]:  # 干细胞组48周…为73.5%,标准治疗组为55.4%: the same time
            if rec["rule"] == "outcome:arm_value" and rec["timepoint_months"] is None:
                rec["timepoint_months"] = recs[0]["timepoint_months"]
        out += recs
    return out


def extract_outcomes(text: str, studies: list[dict]) -> list[dict]:
    """Every stated result of every study of one document (``text``: the folded clean text)."""
    out: list[dict] = []
    seen: set[str] = set()
    for sentence in owned_sentences(text, studies):
        if _not_a_result_context(text, sentence) or _cited_elsewhere(sentence):
            continue
        for rec in _sentence_outcomes(sentence):
            if rec["outcome_id"] not in seen:
                seen.add(rec["outcome_id"])
                out.append(rec)
    return out
