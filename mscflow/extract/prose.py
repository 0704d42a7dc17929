"""Find the studies an article tells in running text, as character spans.

A study starts at an anchor: an author (``X等人``, ``X et al``), an institution that reports
(``…医院报道``), a numbered trial heading (``①临床试验一``), a single reference marker
(``[12]``, ``【3】``), a determiner with a study noun (``一项…研究``, ``另一个…试验``), a reported
study (``据报道``), a stated phase (``I期临床试验``) or a literature review (``纳入标准``). It runs
over the following sentences of its paragraph until the next anchor, and over later
paragraphs of its section that refer back to it (``该研究``). It is kept only with a
quantitative fact. Sentences that survey the literature or a registry are not studies.
A separate rule reads dose surveys (``最低的剂量出现在…``): each cell dose named with its
disease or route there is a study of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..parse.numbers import find_counts, find_doses, find_percents
from ..parse.vocab import load_vocab
from . import fields

_SENTENCE_END = re.compile(r"[。!?!?]")
_CLAUSE_SPLIT = re.compile(r"[;;::、]")
_NUMBERED_HEADING = re.compile(
    r"^\s*(?:[①-⑳]|\d{1,2}\s*[.、]|[一二三四五六七八九十]+\s*[、.])?\s*(?:临床)?(?:试验|研究)\s*[一二三四五六七八九十\d]+(?![览般些致定直起样])\s*[::]?"
)
_SUBHEADING = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、]|[((]\d{1,2}[))]|[-•·])|(?:评估|结果|结论|方法|有效性|安全性|疗效|测试|分析|讨论)\s*[::]?\s*$"
)
_AUTHOR = re.compile(
    r"(?:[A-Z][A-Za-z'\-]+(?:\s?[A-Z][A-Za-z'\-]*)?\s?|[\u4e00-\u9fff]{1,4})等(?:人|研究团队|团队)"
    r"|[A-Z][A-Za-z'\-]+\s?et\s?al"
    r"|(?:(?:^|[,,。;;\s])[\u4e00-\u9fff]{1,3}|(?<![A-Za-z])[A-Z][A-Za-z'\-]+(?:\s[A-Z][A-Za-z'\-]+)?)\s?等"
    r"\s?(?:[((]\s*(?:19|20)\d\d\s*[))])?"  # "Lee等(2020)报告": a cited year between the authors and the verb
    r"(?=报道|报告|回顾|进行|开展|首次|率先|研究|发现|招募|比较|进一步|纳入|证实|描述)"
)
_INSTITUTION = re.compile(
    r"(?:医院|大学|医学院|研究所|研究中心|医学中心|团队|课题组)[^,,。;;]{0,24}?(?:开展|报道|报告|发表|完成|进行|回顾)"
)
_DETERMINER = re.compile(
    r"(?<!第)(?<!之前的)(?<!上述的)(?<!上述)(?:一项|一个|另一项|另一个|另一)[^,,。;;]{0,30}?(?:研究|试验|实验|调查)"
)
_REPORTED = re.compile(r"据报道|有报道|有研究(?:显示|表明|发现)|(?:个案|病例|個案)(?:报告|报道|報告|報道)")
# a trial known by its acronym (e.g. "ABCDE研究", "XYZW试验"); disease and cell abbreviations
# (``MSC研究``, ``COPD试验``) are not names
_NAMED_TRIAL = re.compile(r"(?<![A-Za-z])([A-Z][A-Z0-9\-]{3,})(?:研究|试验|臨床試驗|临床试验)(?!中|进展|领域|方向|热点|中心)")
_REGION = re.compile(r"(?:国内|国外|我国|国际)的?(?:一项|另一项)?(?:多中心)?(?:临床)?(?:研究|试验)")
_PHASE_STUDY = re.compile(
    r"(?:III|II|I|Ⅲ|Ⅱ|Ⅰ|[1-3]|(?<=第)[一二三])(?:\s?[-/~–]\s?(?:III|II|I|Ⅲ|Ⅱ|[1-3]))?\s?期[^,,。;;]{0,12}?(?:研究|试验)"
)
_REVIEW = re.compile(r"纳入标准|纳入了?\s*\d+\s*(?:篇|项)|荟萃分析|[Mm]eta\s?分析|系统评价")
_SINGLE_MARKER = re.compile(r"\[(\d{1,3})\]|【(\d{1,3})】")
_MULTI_MARKER = re.compile(r"\[\d{1,3}\s*[-,,–]\s*\d{1,3}[^\]]*\]")
_GENERIC = re.compile(
    r"注册|登记注册|clinicaltrials|项目|不等|范围|大量|多项|(?:I|II|Ⅰ|Ⅱ)期和(?:II|III|Ⅱ|Ⅲ)期"
    r"|有学者|一般认为"  # an unnamed scholar's view or received opinion, not a study
    r"|(?:需要|仍需|有待)(?:更多|更大|大样本|多中心)[^,,。;;]{0,20}(?:试验|研究)"  # future work, not a study
    r"|(?:未来|今后|将来)[^,,。;;]{0,4}(?:需要|仍需|有待|应当|应)[^。;;]{0,40}(?:试验|研究)"
)
_SAME_YEAR = re.compile(r"^\s*同年")
_BACK_REFERENCE = re.compile(r"该研究|该项研究|此项研究|这项研究|本研究|该试验|此项试验|这项试验")
# a review's next paragraph on the studies it pooled ("在纳入的研究中,7项使用…")
_POOLED_REFERENCE = re.compile(r"^\s*(?:在|其)?(?:所)?纳入的(?:研究|试验)中")
_DOSE_SURVEY = re.compile(r"(?:最低|最高|第二高|最大|最小)的?(?:剂量|用量)|(?:剂量|用量)(?:超过|最高|最低)|各一项")
_THIS_STUDY = re.compile(r"^\s*(?:在)?(?:这个|该|此|这项|该项)(?:临床)?(?:研究|试验)")
_STUDY_NOUN = re.compile(r"研究|试验|实验|案例|报道")
_SECTION_NUMBER = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、](?!\d)|[((]\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[))]|[一二三四五六七八九十]{1,3}\s*、|[①-⑳])\s*"
)
_EACH_ONE = re.compile(r"([\u4e00-\u9fff]{2,4})和([\u4e00-\u9fff]{2,4})各一项")


@dataclass
class ProseStudy:
    """A study span in the clean text, with how it was found."""

    start: int
    end: int
    label: str
    anchor_kind: str  # author | institution | heading | marker | determiner | reported | phase | review | dose
    year_hint: int | None = None
    route_hint: str | None = None
    disease_hint: str | None = None  # the disease of the section heading the study sits under
    reference_marker: str | None = None
    focus: tuple[int, int] | None = None  # the clause that carries a dose-survey study
    context: tuple[int, int] | None = None  # the sentence around that clause


@dataclass
class _Line:
    start: int
    end: int
    text: str
    heading: bool
    numbered: bool


def _lines(text: str, masked: list[tuple[int, int]]) -> list[_Line]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        stripped = raw.strip()
        if not stripped or any(s <= start < e for s, e in masked) or stripped.count("|") >= 2:
            continue
        numbered = bool(_NUMBERED_HEADING.match(stripped))
        heading = numbered or (len(stripped) <= 40 and not re.search(r"[。!?!?;;]\s*$", stripped) and "。" not in stripped)
        out.append(_Line(start, end, raw, heading, numbered))
    return out


def _sentences(line: _Line) -> list[tuple[int, int]]:
    out = []
    s = line.start
    for m in _SENTENCE_END.finditer(line.text):
        e = line.start + m.end()
        # a reference marker right after the full stop still belongs to the sentence
        out.append((s, e))
        s = e
    if s < line.end:
        out.append((s, line.end))
    return [(a, b) for a, b in out if line.text[a - line.start : b - line.start].strip()]


def _trim(s: str) -> str:
    """Drop surrounding spaces and punctuation from a label."""
    return re.sub(r"^[\s,,。;;::、]+|[\s,,。;;::、]+$", "", s)


def anchor_of(sentence: str) -> tuple[str, str] | None:
    """(kind, text) of the anchor that opens a study in this sentence, if any."""
    if _GENERIC.search(sentence):
        return None
    for kind, rx in (
        ("author", _AUTHOR),
        ("institution", _INSTITUTION),
        ("review", _REVIEW),
        ("determiner", _DETERMINER),
        ("reported", _REPORTED),
        ("region", _REGION),
        ("phase", _PHASE_STUDY),
    ):
        m = rx.search(sentence)
        if m:
            return kind, _trim(m.group())
    for m in _NAMED_TRIAL.finditer(sentence):
        if not any(load_vocab(v).find(m.group(1)) for v in ("disease", "cell_type", "tissue_source", "route", "design")):
            return "named", m.group()
    markers = _SINGLE_MARKER.findall(sentence)
    if markers and not _MULTI_MARKER.search(sentence):
        return "marker", sentence.strip()[:40]
    return None


def _new_disease(sentence: str, study_text: str) -> bool:
    """The sentence names a disease the open study's text does not."""
    return bool(set(fields.disease_codes(sentence)) - set(fields.disease_codes(study_text)) - {"other"})


def has_facts(text: str) -> bool:
    """A patient count, a single dose, a time, a rate, a phase or a number of administrations."""
    return bool(
        find_counts(text)
        or [d for d in find_doses(text) if d.kind == "single"]
        or fields.follow_up(text) is not None
        or find_percents(text)
        or fields.phase(text)
        or fields.administrations(text)
    )


def _marker(text: str) -> str | None:
    m = _SINGLE_MARKER.search(text)
    return m.group() if m else None


def _heading_route(lines: list[_Line], index: int) -> str | None:
    for j in range(index - 1, -1, -1):
        if lines[j].heading:
            return load_vocab("route").first(lines[j].text)
    return None


def _heading_disease(lines: list[_Line], index: int) -> str | None:
    """The one disease named by the nearest heading above that names any ("二、缺血性脑卒中")."""
    for j in range(index - 1, -1, -1):
        if lines[j].heading:
            codes = [c for c in fields.disease_codes(lines[j].text) if c != "other"]
            if codes:
                return codes[0] if len(set(codes)) == 1 else None
    return None


def _titled_study(text: str, lines: list[_Line], li: int, sentences: list[tuple[int, int]]) -> ProseStudy | None:
    """A paragraph right under a numbered heading (``3. 脐带MSC经肝动脉治疗…``) that refers to
    itself as a study in its first sentence is that study, named by the heading."""
    if li == 0 or not sentences or not lines[li - 1].heading:
        return None
    head = lines[li - 1].text.strip()
    number = _SECTION_NUMBER.match(head)
    first = text[sentences[0][0] : sentences[0][1]]
    if not number or not _BACK_REFERENCE.search(first):
        return None
    label = _trim(head[number.end() :])
    if not label:
        return None
    a, b = sentences[0]
    return ProseStudy(a, b, label[:60], "heading", year_hint=fields.year(first),
                      disease_hint=_heading_disease(lines, li), reference_marker=_marker(first))


def _numbered_sections(text: str, lines: list[_Line]) -> tuple[list[ProseStudy], set[int]]:
    studies, used = [], set()
    i = 0
    while i < len(lines):
        if not lines[i].numbered:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].numbered and not (lines[j].heading and not _SUBHEADING.search(lines[j].text)):
            j += 1
        head = lines[i].text.strip()
        label = re.split(r"[::]", re.sub(r"^\s*[①-⑳]\s*", "", head), maxsplit=1)[0].strip()
        start, end = lines[i].start, lines[j - 1].end
        studies.append(ProseStudy(start, end, label[:60], "heading", reference_marker=_marker(text[start:end])))
        used.update(range(i, j))
        i = j
    return studies, used


def _dose_survey(text: str, start: int, end: int, route_hint: str | None) -> list[ProseStudy]:
    """Studies named by a dose in a survey of doses: one per dose clause with a disease or route."""
    sentence = text[start:end]
    if not (_DOSE_SURVEY.search(sentence) and _STUDY_NOUN.search(sentence)) or _GENERIC.search(sentence):
        return []
    doses = find_doses(sentence)
    if any(d.per_kg for d in doses):
        return []
    singles = [d for d in doses if d.kind == "single"]
    if not singles:
        return []
    out: list[ProseStudy] = []
    if len(singles) == 1:
        clauses = [(0, len(sentence))]
    else:
        cuts = [0] + [m.end() for m in _CLAUSE_SPLIT.finditer(sentence)] + [len(sentence)]
        clauses = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    lead_end = next((a for a, b in clauses if [d for d in find_doses(sentence[a:b]) if d.kind == "single"]), 0)
    context = (start, start + lead_end) if lead_end else (start, end)
    for a, b in clauses:
        clause = sentence[a:b]
        if not [d for d in find_doses(clause) if d.kind == "single"]:
            continue
        if not (fields.disease_codes(clause) or load_vocab("route").find(clause)) and len(clauses) > 1:
            continue
        each = _EACH_ONE.search(clause)
        if each:
            # "A和B各一项": one study in each place, each span starting at its own name
            for g in (1, 2):
                s = start + a + each.start(g)
                s = start if g == 1 else s
                out.append(ProseStudy(s, start + b, each.group(g), "dose", route_hint=route_hint,
                                      focus=(start + a, start + b), context=context))
            continue
        out.append(ProseStudy(start + a, start + b, _trim(clause)[:40], "dose", route_hint=route_hint,
                              focus=(start + a, start + b), context=context))
    return out


def find_prose_studies(text: str, masked: list[tuple[int, int]] | None = None) -> list[ProseStudy]:
    """Every study told in prose (outside the ``masked`` table spans), in text order."""
    lines = _lines(text, masked or [])
    studies, used = _numbered_sections(text, lines)
    candidates: list[ProseStudy] = []
    current: ProseStudy | None = None  # the study open in this paragraph
    last: ProseStudy | None = None  # the latest study of this section, which later paragraphs may extend
    prev_year: int | None = None
    for li, line in enumerate(lines):
        if li in used:
            continue
        if line.heading:
            current = last = None
            continue
        sentences = _sentences(line)
        anchored = any(anchor_of(text[a:b]) for a, b in sentences)
        if last is not None and not anchored and (_BACK_REFERENCE.search(line.text) or (
                last.anchor_kind == "review" and _POOLED_REFERENCE.search(line.text))):
            last.end = line.end
            continue
        current = None
        route_hint = _heading_route(lines, li)
        prev_sentence: tuple[int, int] | None = None
        titled = _titled_study(text, lines, li, sentences) if not anchored else None
        if titled is not None:
            # a numbered heading that names the study, and a paragraph that says "这项研究…"
            titled.route_hint = route_hint
            current = last = titled
            candidates.append(titled)
        for a, b in sentences:
            sentence = text[a:b]
            span = (a, b)
            survey = _dose_survey(text, a, b, route_hint) if current is None else []
            if survey:
                studies.extend(survey)
                current = None
                continue
            anchor = anchor_of(sentence)
            if anchor and (_BACK_REFERENCE.search(sentence.strip()[:8]) or (
                    anchor[0] == "phase" and current is not None and not _SINGLE_MARKER.search(sentence))):
                anchor = None
            if anchor and anchor[0] == "marker" and current is not None and \
                    current.reference_marker in (None, _marker(sentence)) and \
                    not _new_disease(sentence, text[current.start : current.end]):
                # a later sentence of the paragraph that cites its source ("结果显示…[1]。") still
                # tells the open study, unless it turns to another disease (then it is another study)
                anchor = None
            year = fields.year(sentence)
            if anchor is None and current is None and prev_sentence and _THIS_STUDY.search(sentence) \
                    and _STUDY_NOUN.search(text[prev_sentence[0] : prev_sentence[1]]):
                anchor = ("determiner", text[prev_sentence[0] : prev_sentence[1]].strip()[:40])
                a = prev_sentence[0]
            if anchor:
                if _SAME_YEAR.search(sentence) and year is None:
                    year = prev_year
                current = ProseStudy(a, b, anchor[1][:60], anchor[0], year_hint=year, route_hint=route_hint,
                                     disease_hint=_heading_disease(lines, li),
                                     reference_marker=_marker(sentence))
                candidates.append(current)
                last = current
            elif current is not None:
                current.end = b
                current.reference_marker = current.reference_marker or _marker(sentence)
            if year is not None:
                prev_year = year
            prev_sentence = span
    studies.extend(c for c in candidates if has_facts(text[c.start : c.end]))
    return sorted(studies, key=lambda s: (s.start, s.end))
