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
from bisect import bisect_right
from dataclasses import dataclass, field

from ..parse.memo import per_document
from ..parse.numbers import find_counts, find_doses, find_percents
from ..parse.vocab import load_vocab
from . import fields
from .negatives import ends_a_study

_SENTENCE_END = re.compile(r"[。!?!?]")
_CLAUSE_SPLIT = re.compile(r"[;;::、]")
_NUMBERED_HEADING = re.compile(
    r"^\s*(?:[①-⑳]|\d{1,2}\s*[.、]|[一二三四五六七八九十]+\s*[、.])?\s*(?:临床)?(?:试验|研究)\s*[一二三四五六七八九十\d]+(?![览般些致定直起样])\s*[::]?"
)
_CIRCLED_ITEM = re.compile(r"^\s*[①-⑳]")  # the next item of a numbered list (④荟萃分析:…) ends a trial's section
_SUBHEADING = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、]|[((]\d{1,2}[))]|[-•·])|(?:评估|结果|结论|方法|有效性|安全性|疗效|测试|分析|讨论)\s*[::]?\s*$"
)
_AUTHOR = re.compile(
    r"(?:[A-Z][A-Za-z'\-]+(?:\s?[A-Z][A-Za-z'\-]*)?\s?|[\u4e00-\u9fff]{1,4})等(?:人|研究团队|团队)"
    r"|[A-Z][A-Za-z'\-]+\s?et\s?al"
    # "Shi M 等(2012)较早开展…", "法国的Hernigou 等(2005)是…": authors with their cited year need no verb
    r"|(?<![A-Za-z])[A-Z][A-Za-z'\-]+(?:\s[A-Z][A-Za-z'\-]*\.?)?\s?等人?\s?[((]\s*(?:19|20)\d\d\s*[))]"
    r"|(?:(?:^|[,,。;;\s])[\u4e00-\u9fff]{1,3}|(?<![A-Za-z])[A-Z][A-Za-z'\-]+(?:\s[A-Z][A-Za-z'\-]*)?)\s?等"
    r"\s?(?:[((]\s*(?:19|20)\d\d\s*[))])?"  # "Lee等(2020)报告": a cited year between the authors and the verb
    r"(?=报道|报告|回顾|进行|开展|首次|率先|研究|发现|招募|比较|进一步|纳入|证实|描述|探讨|观察|评价|评估|分析|对比"
    r"|总结|统计(?!学)|选取|选择|收集|应用|采用|使用|在)"
    # a lone author who studies a treatment: "艾某·某某对…进行了研究", "张某对…的疗效进行了观察"
    r"|(?:^|[,,。;;\s])[\u4e00-\u9fff·]{2,9}对[^。;;]{2,60}?进行了?(?:研究|观察|分析|评价|探讨)"
)
# the article's own study, told in the first person: "我们招募了18名…", "本研究共纳入…"
_OWN = re.compile(r"(?:我们|本研究|本试验|本课题组|笔者|作者)(?:共|先后)?(?:招募|纳入|选取|收集|入组|选择|募集|收治)了?")
# the reporting centre's own series ("本中心自2018年1月起,对23例…", "我院收治的40例…") is the
# document's own study: it ends a cited study the introduction was telling
_OWN_SERIES = re.compile(r"(?:本中心|本院|我院|我科|本科室)[^。;；]{0,20}?(?:招募|纳入|选取|收集|入组|选择|募集|收治|对\s*\d+\s*例)")
_INSTITUTION = re.compile(
    r"(?:医院|大学|医学院|研究所|研究中心|医学中心|诊所|团队|课题组)[^,,。;;]{0,24}?"
    r"(?:开展|报道|报告|发表|完成|进行|回顾|做过|曾将|曾把|曾对|曾为|对\s*\d+\s*(?:例|名|位))"
)
_DETERMINER = re.compile(
    r"(?<!第)(?<!之前的)(?<!上述的)(?<!上述)(?:一项|一个|另一项|另一个|另一)[^,,。;;]{0,30}?(?:研究|试验|实验|调查)"
)
# scholars named by their country or school: "意大利学者对55例…", "日本研究人员报告…" ("有学者" is generic)
_SCHOLARS = re.compile(
    r"(?<!有)(?<!部分)(?<!一些)(?<!不少)[\u4e00-\u9fff]{2,5}(?:学者|研究者|研究人员|科学家)"
    r"(?=对|报道|报告|发现|开展|进行|在|将|纳入|招募|使用|采用|应用|统计|分析)"
)
# one of the trials an article counts off: "在第一项试验中…", "第二项试验是随机双盲试验"
_ORDINAL_TRIAL = re.compile(r"第[一二三四五六七八九十\d]{1,2}项(?:临床)?(?:研究|试验|实验)")
_REPORTED = re.compile(r"据报道|有报道|有研究(?:显示|表明|发现)|另有(?:一项|一些)?研究(?=以|将|对|纳入|报道|发现)|(?:个案|病例|個案)(?:报告|报道|報告|報道)")
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
    r"注册|登记注册|clinicaltrials|项目|大量|多项|(?:I|II|Ⅰ|Ⅱ)期和(?:II|III|Ⅱ|Ⅲ)期"
    r"|有学者|一般认为"  # an unnamed scholar's view or received opinion, not a study
    r"|(?:国内|国外|国际)(?:研究|学者)?[^,，。;；]{0,4}(?:已取得|取得了|尚无|尚未|较少|较多)"  # the state of a field
    r"|(?:需要|仍需|有待)(?:更多|更大|大样本|多中心)[^,,。;;]{0,20}(?:试验|研究)"  # future work, not a study
    r"|(?:未来|今后|将来)[^,,。;;]{0,4}(?:需要|仍需|有待|应当|应)[^。;;]{0,40}(?:试验|研究)"
)
# "剂量从10^6到10^8不等": a survey's spread, unless the sentence counts its own patients
_VARYING = re.compile(r"不等|范围")
_SAME_YEAR = re.compile(r"^\s*同年")
_BACK_REFERENCE_INSIDE = re.compile(r"该(?:[IV/]{1,5}期)?(?:项)?(?:临床)?(?:研究|试验)")  # 报告了该I/II期研究的结果
_BACK_REFERENCE = re.compile(r"该研究|该项研究|此项研究|此研究|这项研究|本研究|该试验|此项试验|此试验|这项试验")
# a review's next paragraph on the studies it pooled ("在纳入的研究中,7项使用…")
# a paragraph that opens with the study's people or its results goes on with the study before
_CONTINUATION = re.compile(r"^\s*(?:研究人员|研究者|研究團隊|研究团队|研究小组|研究組|研究组|该团队|該團隊|研究结果|研究結果|结果显示|結果顯示|结果表明|結果表明)")
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
    anchor_kind: str  # author | own | institution | scholars | ordinal | heading | marker | determiner | reported | region | phase | review | dose
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
    route_above: str | None = None  # the route the nearest heading above names
    disease_above: str | None = None  # the one disease of the nearest heading above that names any


def _lines(text: str, masked: list[tuple[int, int]]) -> list[_Line]:
    out = []
    pos = 0
    inside = _masked(masked)
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        stripped = raw.strip()
        if not stripped or inside(start) or stripped.count("|") >= 2:
            continue
        numbered = bool(_NUMBERED_HEADING.match(stripped))
        heading = numbered or (len(stripped) <= 40 and not re.search(r"[。!?!?;;]\s*$", stripped) and "。" not in stripped)
        out.append(_Line(start, end, raw, heading, numbered))
    _note_headings_above(out)
    return out


def _masked(spans: list[tuple[int, int]]):
    """``inside(pos)``: pos falls in one of the spans (a bisect, not a scan per line)."""
    ordered = sorted(spans)
    starts = [s for s, _ in ordered]
    reach, longest = [], -1
    for _, e in ordered:
        longest = max(longest, e)
        reach.append(longest)

    def inside(pos: int) -> bool:
        i = bisect_right(starts, pos) - 1
        return i >= 0 and pos < reach[i]

    return inside


def _note_headings_above(lines: list[_Line]) -> None:
    """One pass down the lines: what the headings above each line say (linear in the lines,
    where a search upwards from every line was quadratic)."""
    route: str | None = None
    disease: str | None = None
    for line in lines:
        line.route_above, line.disease_above = route, disease
        if line.heading:
            route = load_vocab("route").first(line.text)
            codes = [c for c in fields.disease_codes(line.text) if c != "other"]
            if codes:
                disease = codes[0] if len(set(codes)) == 1 else None


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
    spans = [(a, b) for a, b in out if line.text[a - line.start : b - line.start].strip()]
    return [part for a, b in spans for part in _joined_studies(line.text, line.start, a, b)]


# a clause that may open a second study in the same sentence: ",而意大利学者对55例…", ";另有X等…"
_JOINING_CLAUSE = re.compile(r"[,，;；]\s*(?:而|另外|此外|另有|同时)?\s*")
_CLAUSE_OPENERS = ("author", "scholars", "region", "institution")


def _opens_study(clause: str) -> bool:
    """The clause starts with a study's own anchor and counts its patients."""
    head = clause[:40]
    for kind, rx in (("author", _AUTHOR), ("scholars", _SCHOLARS), ("region", _REGION), ("institution", _INSTITUTION)):
        m = rx.search(head)
        if m and kind in _CLAUSE_OPENERS and len(head[: m.start()].strip(",，;； ")) <= 2:
            return bool(find_counts(clause[: _SENTENCE_END.search(clause + "。").start()]))
    return False


def _joined_studies(line_text: str, offset: int, a: int, b: int) -> list[tuple[int, int]]:
    """Two studies told in one sentence ("X等报告32例…,而意大利学者对55例…"): a clause that opens
    a study of its own, after one that counted patients, starts a second sentence."""
    sentence = line_text[a - offset : b - offset]
    if anchor_of(sentence) is None:
        return [(a, b)]
    out, start = [], a
    for m in _JOINING_CLAUSE.finditer(sentence):
        cut = a + m.end()
        if _opens_study(sentence[m.end() :]) and find_counts(line_text[start - offset : a + m.start() - offset]):
            out.append((start, cut))
            start = cut
    out.append((start, b))
    return out


def _trim(s: str) -> str:
    """Drop surrounding spaces and punctuation from a label."""
    return re.sub(r"^[\s,,。;;::、]+|[\s,,。;;::、]+$", "", s)


@per_document
def anchor_of(sentence: str) -> tuple[str, str] | None:
    """(kind, text) of the anchor that opens a study in this sentence, if any."""
    if _GENERIC.search(sentence) or (_VARYING.search(sentence) and not find_counts(sentence)):
        return None
    for kind, rx in (
        ("author", _AUTHOR),
        ("own", _OWN),
        ("institution", _INSTITUTION),
        ("review", _REVIEW),
        ("determiner", _DETERMINER),
        ("reported", _REPORTED),
        ("region", _REGION),
        ("scholars", _SCHOLARS),
        ("ordinal", _ORDINAL_TRIAL),
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


@per_document
def has_facts(text: str) -> bool:
    """A patient count, a single dose, a time, a rate, a phase or a number of administrations."""
    return bool(
        find_counts(text)
        or _has_single_dose(text)
        or fields.follow_up(text) is not None
        or find_percents(text)
        or fields.phase(text)
        or fields.administrations(text)
    )


def _marker(text: str) -> str | None:
    m = _SINGLE_MARKER.search(text)
    return m.group() if m else None


def _heading_route(lines: list[_Line], index: int) -> str | None:
    return lines[index].route_above


def _heading_disease(lines: list[_Line], index: int) -> str | None:
    """The one disease named by the nearest heading above that names any ("二、缺血性脑卒中")."""
    return lines[index].disease_above


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
        while j < len(lines) and not lines[j].numbered and not _CIRCLED_ITEM.match(lines[j].text) \
                and not (lines[j].heading and not _SUBHEADING.search(lines[j].text)):
            j += 1
        head = lines[i].text.strip()
        label = re.split(r"[::]", re.sub(r"^\s*[①-⑳]\s*", "", head), maxsplit=1)[0].strip()
        start, end = lines[i].start, lines[j - 1].end
        studies.append(ProseStudy(start, end, label[:60], "heading", reference_marker=_marker(text[start:end])))
        used.update(range(i, j))
        i = j
    return studies, used


def _has_single_dose(text: str) -> bool:
    return any(d.kind == "single" for d in find_doses(text))


def _is_dose_survey(sentence: str) -> bool:
    """``最低的剂量出现在…研究``: a sentence that compares the doses of several studies."""
    return bool(_DOSE_SURVEY.search(sentence) and _STUDY_NOUN.search(sentence)) and not _GENERIC.search(sentence)


def _survey_clauses(sentence: str, n_doses: int) -> list[tuple[int, int]]:
    """The sentence as one clause for one dose; else cut at ``;:、``."""
    if n_doses == 1:
        return [(0, len(sentence))]
    cuts = [0] + [m.end() for m in _CLAUSE_SPLIT.finditer(sentence)] + [len(sentence)]
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _names_surveyed_study(clause: str, n_clauses: int) -> bool:
    """A clause with a single dose; among several clauses, only one naming a disease or route."""
    if not _has_single_dose(clause):
        return False
    return bool(fields.disease_codes(clause) or load_vocab("route").find(clause)) or n_clauses <= 1


def _clause_studies(start: int, a: int, b: int, clause: str, route_hint: str | None,
                    context: tuple[int, int]) -> list[ProseStudy]:
    """The study of one survey clause; ``A和B各一项`` is one study in each place, the second
    starting at its own name."""
    focus = (start + a, start + b)
    each = _EACH_ONE.search(clause)
    if each:
        return [ProseStudy(start if g == 1 else start + a + each.start(g), start + b, each.group(g), "dose",
                           route_hint=route_hint, focus=focus, context=context) for g in (1, 2)]
    return [ProseStudy(start + a, start + b, _trim(clause)[:40], "dose", route_hint=route_hint,
                       focus=focus, context=context)]


def _dose_survey(text: str, start: int, end: int, route_hint: str | None) -> list[ProseStudy]:
    """Studies named by a dose in a survey of doses: one per dose clause with a disease or route.
    A sentence with a per-kg dose is no survey; each study's context is the lead-in before the
    first dose clause (the whole sentence when there is none)."""
    sentence = text[start:end]
    if not _is_dose_survey(sentence):
        return []
    doses = find_doses(sentence)
    if any(d.per_kg for d in doses):
        return []
    singles = [d for d in doses if d.kind == "single"]
    if not singles:
        return []
    clauses = _survey_clauses(sentence, len(singles))
    lead_end = next((a for a, b in clauses if _has_single_dose(sentence[a:b])), 0)
    context = (start, start + lead_end) if lead_end else (start, end)
    out: list[ProseStudy] = []
    for a, b in clauses:
        clause = sentence[a:b]
        if _names_surveyed_study(clause, len(clauses)):
            out.extend(_clause_studies(start, a, b, clause, route_hint, context))
    return out


@dataclass
class _Reader:
    """The walk over an article's lines: what was found so far and which studies are open."""

    text: str
    lines: list[_Line]
    studies: list[ProseStudy]  # kept as found: numbered sections and dose-survey studies
    candidates: list[ProseStudy] = field(default_factory=list)  # anchored studies, kept if they have facts
    current: ProseStudy | None = None  # the study open in this paragraph
    last: ProseStudy | None = None  # the latest study of this section, which later paragraphs may extend
    prev_year: int | None = None
    prev_sentence: tuple[int, int] | None = None  # the paragraph's previous sentence
    route_hint: str | None = None  # the route named by the heading above the paragraph


def _refers_back(last: ProseStudy, line: _Line) -> bool:
    """``该研究…``, ``研究人员…``, ``结果显示…`` (after a review also ``在纳入的研究中…``): the
    paragraph goes on with ``last``."""
    return bool(_BACK_REFERENCE.search(line.text) or _CONTINUATION.search(line.text) or (
        last.anchor_kind == "review" and _POOLED_REFERENCE.search(line.text)))


def _is_inner_anchor(sentence: str, anchor: tuple[str, str], current: ProseStudy | None) -> bool:
    """A back reference (``该研究…``), or a phase named inside the open study without a marker."""
    return bool(_BACK_REFERENCE.search(sentence.strip()[:8]) or (
        anchor[0] == "phase" and current is not None and not _SINGLE_MARKER.search(sentence)))


def _cites_open_study(text: str, sentence: str, anchor: tuple[str, str], current: ProseStudy | None) -> bool:
    """A later sentence that cites its source (``结果显示…[1]。``) still tells the open study,
    unless it turns to another disease (then it is another study)."""
    return (anchor[0] == "marker" and current is not None
            and current.reference_marker in (None, _marker(sentence))
            and not _new_disease(sentence, text[current.start : current.end]))


def _opening_anchor(text: str, sentence: str, current: ProseStudy | None) -> tuple[str, str] | None:
    """The anchor of the sentence, unless it only goes on with the open study."""
    anchor = anchor_of(sentence)
    if anchor is None or _is_inner_anchor(sentence, anchor, current):
        return None
    if _cites_open_study(text, sentence, anchor, current):
        return None
    return anchor


def _named_by_previous_sentence(r: _Reader, sentence: str) -> bool:
    """``…一项研究…。该研究纳入…`` with nothing open: the previous sentence introduced the study."""
    return (r.current is None and r.prev_sentence is not None and bool(_THIS_STUDY.search(sentence))
            and bool(_STUDY_NOUN.search(r.text[r.prev_sentence[0] : r.prev_sentence[1]])))


def _introduced_before(r: _Reader, sentence: str) -> bool:
    """An anchor sentence that refers back (该…研究) to a study the sentence before described,
    with nothing open: that sentence is the study's too."""
    return (r.current is None and r.prev_sentence is not None and bool(_BACK_REFERENCE_INSIDE.search(sentence))
            and bool(_STUDY_NOUN.search(r.text[r.prev_sentence[0] : r.prev_sentence[1]])))


def _open_study(r: _Reader, li: int, start: int, end: int, anchor: tuple[str, str], year: int | None,
                sentence: str) -> None:
    r.current = ProseStudy(start, end, anchor[1][:60], anchor[0], year_hint=year, route_hint=r.route_hint,
                           disease_hint=_heading_disease(r.lines, li), reference_marker=_marker(sentence))
    r.candidates.append(r.current)
    r.last = r.current


def _read_sentence(r: _Reader, li: int, a: int, b: int) -> None:
    """A dose survey with nothing open is studies of its own; an anchor opens a study; any other
    sentence extends the open one. ``同年`` takes the year of the sentence before."""
    sentence = r.text[a:b]
    survey = _dose_survey(r.text, a, b, r.route_hint) if r.current is None else []
    if survey:
        r.studies.extend(survey)
        r.current = None
        return  # the previous sentence and year stay as they were
    if r.current is not None and (ends_a_study(sentence) or _OWN_SERIES.search(sentence)):
        r.current = None
    anchor = _opening_anchor(r.text, sentence, r.current)
    year = fields.year(sentence)
    start = a
    if anchor is None and _named_by_previous_sentence(r, sentence):
        anchor = ("determiner", r.text[r.prev_sentence[0] : r.prev_sentence[1]].strip()[:40])
        start = r.prev_sentence[0]
    elif anchor and _introduced_before(r, sentence):
        start = r.prev_sentence[0]  # "…的多中心研究把自体骨髓MSC…植入。Gómez-Barrena 等(2020)报告了该研究的结果"
    if anchor:
        if _SAME_YEAR.search(sentence) and year is None:
            year = r.prev_year
        _open_study(r, li, start, b, anchor, year, sentence)
    elif r.current is not None:
        r.current.end = b
        r.current.reference_marker = r.current.reference_marker or _marker(sentence)
    if year is not None:
        r.prev_year = year
    r.prev_sentence = (a, b)


def _read_paragraph(r: _Reader, li: int, sentences: list[tuple[int, int]], anchored: bool) -> None:
    """A paragraph opens its own studies: under a numbered heading that names the study (and a
    paragraph that says "这项研究…"), that one; then sentence by sentence."""
    r.current = None
    r.route_hint = _heading_route(r.lines, li)
    r.prev_sentence = None
    titled = _titled_study(r.text, r.lines, li, sentences) if not anchored else None
    if titled is not None:
        titled.route_hint = r.route_hint
        r.current = r.last = titled
        r.candidates.append(titled)
    for a, b in sentences:
        _read_sentence(r, li, a, b)


def _read_line(r: _Reader, li: int, line: _Line) -> None:
    """A heading closes the section's studies; a paragraph that opens none and refers back
    extends the section's latest study; any other paragraph is read for studies of its own."""
    if line.heading:
        r.current = r.last = None
        return
    sentences = _sentences(line)
    anchored = any(anchor_of(r.text[a:b]) for a, b in sentences)
    if r.last is not None and not anchored and _refers_back(r.last, line):
        r.last.end = line.end
        return
    _read_paragraph(r, li, sentences, anchored)


def find_prose_studies(text: str, masked: list[tuple[int, int]] | None = None) -> list[ProseStudy]:
    """Every study told in prose (outside the ``masked`` table spans), in text order."""
    lines = _lines(text, masked or [])
    studies, used = _numbered_sections(text, lines)
    reader = _Reader(text, lines, studies)
    for li, line in enumerate(lines):
        if li not in used:
            _read_line(reader, li, line)
    studies.extend(c for c in reader.candidates if has_facts(text[c.start : c.end]))
    return sorted(studies, key=lambda s: (s.start, s.end))
