"""Outcomes: the stated results of each study (core.outcomes), read as named passes over the
measures a sentence names (assets/vocab/outcomes.yaml).

Measures joined by 和/及/、 form one group; the text after a group up to the next measure is its
tail. Passes over a group, first that reads wins: ``from_to`` (从A降至B), ``respectively``
(分别为A和B: one value per measure, else per arm), ``stated`` (为A%, A分), then within the tail
``arm_value`` (对照组为B: the same measure for another arm); with no value in the tail,
``rate_of_patients`` (32%的患者…复发, 21名患者(87.5%)达到缓解) reads the figure before the measure,
and ``change`` (增加10%, 缩小20%) a signed difference."""

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
_FROM = re.compile(r"(?:从|由)(?:基线(?:时)?的?|治疗前的?)?\s*$")
_TO = re.compile(r"^[^,;。\d(]{0,16}?(?:降至|下降至|下降到|降到|降低至|降低到|减少到|减少至|升高至|升高到|升至|上升至|"
                 r"上升到|提高到|提高至|增加到|增加至|将至|至)[^,;。(]{0,14}?$")
_LIST_HEAD = re.compile(r"^[^,;。]{0,24}?(分别为|分别是|均为|为)\s*$")
_LIST_SEP = re.compile(r"^\s*(?:%|个月)?\s*(?:和|与|及|、|对|vs\.?)\s*$", re.I)
_VERSUS = re.compile(r"^\s*(?:%\s*)?(?:对|vs\.?)\s*$", re.I)
_STATED_GAP = re.compile(r"^[^,;。\d]{0,12}?(?:为|是|达到|达|:)?[^,;。\d]{0,3}$")
_PATIENT_RATE = re.compile(rf"\(?\s*({NUM})\s*%\s*\)?\s*(?:的)?(?:患者|病人)?[^,;。%]{{0,20}}$")
_PATIENT_COUNT = re.compile(r"(\d+)\s*(?:名|例|位)[^,;。\d]{0,6}$")
_CHANGE = re.compile(rf"[^,;。\d]{{0,10}}?(增加|提高|升高|上升|改善|降低|下降|减少|缩小|减小)了?\s*(?:约)?\s*({NUM})\s*%")
_ARM_VALUE = re.compile(r"(对照组|安慰剂组|非SCT组|治疗组|观察组|SCT组|MSC治疗组)[^,;。\d]{0,8}?(?:为|:|,|是)\s*\(?\s*(?:约)?\s*"
                        rf"({NUM})")
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


def _unit(sentence: str, end: int) -> tuple[str | None, int]:
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
    if not vals or not _STATED_GAP.match(s[tail:vals[0].start()]):
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
    return [Figure(sign * float(m.group(2)), m.start(2), m.end(2), "change", unit="%", kind="change")]


def _before(s: str, group: list[Match], _stop: int) -> list[Figure]:
    """The share or count of patients written before the measure, in its clause."""
    c0, _ = clause_span(s, group[0].start)
    head = s[c0:group[0].start]
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
        unit, _ = _unit(s, m.end(2))
        out.append(Figure(float(m.group(2)), m.start(2), m.end(2), "arm_value", unit=unit, arm=arm))
    return out


PASSES: tuple[Callable[[str, int, int, list[Match]], list[Figure]], ...] = (_from_to, _respectively, _change, _stated)


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


def _direction(code: str, fig: Figure, clause: str) -> str | None:
    if _NO_DIFFERENCE.search(clause):
        return "no_difference"
    better = load_vocab("outcome").attr(code, "better")
    if fig.baseline is None or better not in ("lower", "higher") or fig.baseline == fig.value:
        return None
    lower = fig.value < fig.baseline
    return "improved" if lower == (better == "lower") else "worsened"


def _record(sentence: Sentence, measure: Match, fig: Figure, arm: str | None, group: list[Match]) -> dict:
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
    skip = (fig.start, fig.end + 4) if kind == "duration" else (0, 0)
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


def _sentence_outcomes(sentence: Sentence) -> list[dict]:
    s = sentence.text
    matches = [m for m in load_vocab("outcome").find(s)
               if not _BEFORE_TREATMENT.search(s[:m.start])]  # a baseline, not a result
    groups = _groups(matches, s)
    out = []
    for i, group in enumerate(groups):
        stop = groups[i + 1][0].start if i + 1 < len(groups) else len(s)
        figs = _figures(s, group, stop)
        for fig, arm in zip(figs, _list_arms(figs, sentence), strict=True):
            out.append(_record(sentence, fig.measure or group[0], fig, arm, group))
    return out


def extract_outcomes(text: str, studies: list[dict]) -> list[dict]:
    """Every stated result of every study of one document (``text``: the folded clean text)."""
    out: list[dict] = []
    seen: set[str] = set()
    for sentence in owned_sentences(text, studies):
        for rec in _sentence_outcomes(sentence):
            if rec["outcome_id"] not in seen:
                seen.add(rec["outcome_id"])
                out.append(rec)
    return out
