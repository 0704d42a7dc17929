"""A document that is one study: a journal abstract, a news item about one trial, a case
report, page 2 of a paper, a clinic's blog post. Its facts are spread over its sections and no
author-year cue names it, so the cue-based reader (``prose.py``) misses it or keeps only a
fragment (the headline, the lead's "一项…试验"). Found here by content instead: sentences that
state who was enrolled, or a case's patient, that no study found so far covers, make one study
gathered from the whole document's study sentences; the fragments it explains fold into it.

The passes, in order: sentences of the prose zone (before the discussion and the reference
list); each sentence's reason not to be a study sentence, if any (future plans, animal work,
statistics of a population, other studies cited, eligibility criteria); the enrolment sentences
nobody covers; the study assembled from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..parse.shape import document_shape
from . import fields
from .negatives import sentence_refusal as refusal
from .references import parse_citation, reference_spans

# a sentence ends at a Chinese full stop, or an ASCII one that a Chinese sentence follows
_SENTENCE = re.compile(r"(?:[^。!?！？\n.]|\.(?![\u4e00-\u9fff]))+(?:[。!?！？]+|\.(?=[\u4e00-\u9fff]))?")
_N = r"(?:\d+|[两三四五六七八九十百]{1,4}|一百[零一二三四五六七八九十]*)"  # a head count, digits or numerals
ENROL = re.compile(
    rf"(?:纳入|入组|招募|收治|选取|选择|收集|筛选|入选|募集|共有|共|对|将)[^。;；]{{0,40}}?{_N}\s*(?:例|名|位|人)"
    rf"|{_N}\s*(?:例|名|位)[^。;；]{{0,30}}?(?:患者|患儿|病人|受试者|志愿者)"
    rf"|(?:患者|患儿|病人|受试者|早产儿|新生儿)\s*{_N}\s*(?:例|名)"  # 散发性ALS患者24例: the abstracts' word order
    rf"|(?:治疗组|干细胞组|MSC组|移植组|观察组|试验组|细胞组)[^。;；]{{0,6}}?{_N}\s*(?:例|名|位|人)"
    r"|治疗了?\s*\d+\s*(?:例|名)"  # "…移植治疗42例严重下肢缺血": the patients are the disease's
    # an English Methods line: "116 patients … were enrolled", "A total of 212 patients were randomly assigned"
    r"|(?i:(?:\d{1,5}|twelve|ten|eleven|twenty|thirty|forty|fifty|sixty|[a-z]+teen)\s+(?:[a-z\-]+\s+){0,4}?"
    r"(?:patients|participants|subjects|infants|children|adults)\b[^.。]{0,160}?\b(?:were|was)\s+"
    r"(?:enrolled|recruited|included|randomi[sz]ed|randomly assigned|assigned|treated))"
)
# reduplicated adverbs and pronouns, not a child's doubled name (患者往往…, 患儿常常…)
_REDUPLICATED = "往往|常常|渐渐|慢慢|纷纷|刚刚|仅仅|天天|每每|稍稍|统统|个个|人人|久久|频频|屡屡|偏偏|恰恰|明明|默默|多多|早早|大大|好好|时时|处处|年年|月月"
_ONE_PERSON = r"(?:患者|患儿|病人|病患|儿童|女性|男性|男子|女子|女孩|男孩|女童|男童|孩子|孤儿|市民|村民|老人|宝宝|小伙|姑娘)"
# one patient, as case reports and news stories introduce them
CASE = re.compile(
    r"(?:患者|患儿|病人)\s*[,，]\s*(?:男|女)\s*[,，]\s*\d{1,3}\s*(?:岁|月龄|个月)"  # 患儿,男,9岁
    r"|(?:一|1)\s*(?:名|例|位)\s*\d{1,3}\s*岁的?(?:男性|女性|男|女)?(?:患者|患儿|病人)"  # 一名36岁男性患者
    rf"|(?:一|1)\s*(?:名|位|例)[^,，。;；]{{0,12}}?{_ONE_PERSON}"  # 一名来自河北的10岁儿童, 一位45岁围绝经期女性
    r"|\d{1,3}\s*岁的?[\u4e00-\u9fff]{1,2}(?:女士|先生|老人|男子|女子|阿姨|大爷|大妈|伯伯|奶奶|爷爷|小朋友|宝宝)"  # 59岁陈女士
    rf"|\d{{1,3}}\s*岁的?[^,，。;；\d]{{0,8}}?{_ONE_PERSON}"  # 16岁孤儿王某, 8岁的白血病儿童雯雯
    r"|[\u4e00-\u9fff](?:女士|先生)\s*[,，]\s*\d{1,3}\s*岁"  # 李女士,33岁
    # a pseudonym: "武阿姨(化名)今年60岁", "廖女士今年47岁", "脑瘫患儿吉吉(化名)"
    r"|[\u4e00-\u9fff](?:女士|先生|阿姨|大爷|大妈|伯伯|奶奶|爷爷|老伯)\s*(?:[((]化名[))])?\s*[,，]?\s*(?:今年|现年)\s*\d{1,3}\s*岁"
    r"|[\u4e00-\u9fff]{1,3}\s*[((]化名[))]"
    r"|(?:[六七八九]旬|年过[六七八九]旬)的?[\u4e00-\u9fff]{1,2}(?:爷爷|奶奶|老人|阿姨|伯伯|婆婆|老伯)"  # 高龄八旬的黄爷爷
    r"|(?:患者|患儿|女孩|男孩|女童|男童|儿童)(?!" + _REDUPLICATED + r")([\u4e00-\u9fff])\1"  # 患者悦悦: a child's doubled name
)
COMPLETERS = re.compile(r"完成(?:了)?(?:全部)?(?:随访|治疗|研究|试验)|失访|脱落|退出")
CLOSING_HEADING = re.compile(r"^\s*(?:\d{1,2}\s*)?(?:讨论|討論|展望|结语|小结|参考文献|參考文獻|Discussion|References?)\s*$", re.I)
_TITLE_MAX = 80
# a sentence that gives the cells (a prior transplant or a drug named elsewhere is not the product)
_GIVEN = re.compile(r"输注|輸注|注射|注入|移植|回输|回輸|植入|给予|給予|滴注|infus|inject|transplant", re.I)
_MSC = re.compile(r"间充质|間充質|MSC|基质细胞|基質細胞|mesenchymal", re.I)
_THERAPY = re.compile(r"干细胞|幹細胞|MSC|间充质|間充質|细胞治疗|細胞治療|细胞疗法|stem cell", re.I)
REVIEW_TITLE = re.compile(r"\d+\s*项(?:研究|试验|临床)|综述|进展|荟萃|[Mm]eta|系统评价|盘点|汇总|一览")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    refusal: str | None  # why it is not a study sentence (a key of SENTENCE_REFUSALS), None when it is


def prose_zone(text: str, masked: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Lines of running text before the discussion or the reference list, outside ``masked``."""
    out, pos = [], 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if CLOSING_HEADING.match(line):
            break
        if line.strip() and not any(s <= start < e for s, e in masked) and line.count("|") < 2:
            out.append((start, end, line))
    return out


def sentences(lines: list[tuple[int, int, str]]) -> list[Sentence]:
    out = []
    for start, _, line in lines:
        for m in _SENTENCE.finditer(line):
            body = m.group()
            if body.strip():
                out.append(Sentence(start + m.start(), start + m.end(), body, refusal(body)))
    return out




def is_enrolment(s: Sentence) -> bool:
    return s.refusal in (None, "literature") and bool(ENROL.search(s.text) or CASE.search(s.text)) \
        and not (s.refusal == "literature" and re.search(r"\[\d", s.text))


def _covered(s: Sentence, spans: list[tuple[int, int]]) -> bool:
    return any(a <= s.start < b or a < s.end <= b for a, b in spans)


def orphan_enrolments(found: list[Sentence], told: list[tuple[int, int]]) -> list[Sentence]:
    """Enrolment sentences that no study found so far covers."""
    return [s for s in found if is_enrolment(s) and not _covered(s, told)]


STRONG_ENROL = re.compile(r"纳入|入组|招募|收治|选取|选择|收集|入选|募集|共有|覆盖|参与|随机(?:分为|分配|分成)|enrol|recruit"
                          r"|randomly assigned|randomi[sz]ed", re.I)


def _enrolment_first(orphans: list[Sentence]) -> list[Sentence]:
    """The sentences the counts are read from: those that say who was enrolled (up to two, with
    the arms the next one states), else the first that counts patients (a story's one patient
    only when nobody is counted), never a completers' or results' count when another is there."""
    strong = [s for s in orphans if STRONG_ENROL.search(s.text) and not COMPLETERS.search(s.text)]
    if strong:
        return strong[:2]
    counted = [s for s in orphans if not COMPLETERS.search(s.text) and ENROL.search(s.text)]
    return counted[:1] or [s for s in orphans if not COMPLETERS.search(s.text)][:1] or orphans[:1]


def _fragments(records: list[dict], first: Sentence) -> list[dict]:
    """Prose records before the first orphan that state no patients and no dose of their own:
    the headline, the lead's "一项…试验": fragments of the document's study."""
    return [r for r in records if r["kind"] == "prose" and r["n_total"] is None and r["dose_low"] is None
            and int(r["char_start"]) < first.start]


def title_line(text: str) -> str:
    """The document's title: among the first lines that are short and no furniture, the first
    that names the therapy, else the first."""
    lines = [ln.strip() for ln in text.split("\n")[:15]]
    titles = [b for b in lines if 8 <= len(b) <= _TITLE_MAX and not b.endswith("。")
              and not re.search(r"杂志|学报|DOI|ISSN|·\S{2,6}·|^\d", b)]
    return next((b for b in titles if _THERAPY.search(b)), titles[0] if titles else "")


@dataclass
class DocumentStudy:
    """What the document study is made of: its span, the text its fields are read from, the
    enrolment text its counts are read from, and the fragments it absorbs."""

    start: int
    end: int
    label: str
    study_text: str
    count_text: str
    product_text: str  # the sentences that give the cells: what, from where, whose, how, how much
    absorbed: list[dict]


def _surveys_studies(records: list[dict], text: str) -> bool:
    """A review or a survey: it tells two or more studies with figures of their own, or it reads
    as a review (``parse.shape``: a survey title, many cited studies or references); its summary
    sentences are not one more study."""
    with_figures = [r for r in records if r["n_total"] is not None or r["dose_low"] is not None]
    return len(with_figures) >= 2 or bool(REVIEW_TITLE.search(title_line(text))) or document_shape(text)[0] == "review"


def find_document_study(text: str, masked: list[tuple[int, int]], records: list[dict],
                        told: list[tuple[int, int]]) -> DocumentStudy | None:
    """The document's own study, when some enrolment sentence belongs to no study yet."""
    if _surveys_studies(records, text):
        return None
    found = sentences(prose_zone(text, masked))
    orphans = orphan_enrolments(found, told)
    if not orphans:
        return None
    absorbed = _fragments(records, orphans[0])
    others = [(int(r["char_start"]), int(r["char_end"])) for r in records if r not in absorbed]
    own = [s for s in found if s.refusal is None and not _covered(s, others)]
    return _assemble(text, orphans, own, absorbed)


def whole_document_texts(text: str, masked: list[tuple[int, int]]) -> tuple[str, str]:
    """(study text, product text) of a one-study document: every sentence of its prose zone that
    is about its own study, and those that give the cells."""
    own = [s for s in sentences(prose_zone(text, masked)) if s.refusal is None]
    title = title_line(text)
    return "。".join([title, *(s.text for s in own)]), "。".join([title, *_product_sentences(own)])


def _product_sentences(own: list[Sentence]) -> list[str]:
    """The sentences that give the cells: MSC named, else any cell therapy, with a verb of giving."""
    return ([s.text for s in own if _MSC.search(s.text) and _GIVEN.search(s.text)]
            or [s.text for s in own if _THERAPY.search(s.text) and _GIVEN.search(s.text)])


def _assemble(text: str, orphans: list[Sentence], own: list[Sentence], absorbed: list[dict]) -> DocumentStudy:
    """Span, label and the three texts of the document study."""
    start = min([s.start for s in own[:1]] + [int(r["char_start"]) for r in absorbed] + [orphans[0].start])
    end = max(s.end for s in orphans)
    title = title_line(text)
    return DocumentStudy(
        start, end, title or orphans[0].text.strip()[:40],
        study_text="。".join([title, *(s.text for s in own)]),
        count_text="".join(s.text for s in _enrolment_first(orphans)),
        product_text="。".join([title, *_product_sentences(own)]),
        absorbed=absorbed,
    )


def document_counts(count_text: str) -> fields.Counts:
    """Enrolled total and arms from the enrolment sentences; one case's patient is one."""
    c = fields.counts(count_text)
    if c.n_total is None and CASE.search(count_text):
        return fields.Counts(1, None, None)
    return c


_YEAR = r"((?:19|20)\d{2})"
PUBLISHED = re.compile(
    _YEAR + r"\s*年(?:\s*\d{1,2}\s*月)?[^。\n]{0,30}?(?:在线)?(?:发表|刊登|刊发|刊出|登出|公布|发布|报道|上线)"
    r"|(?:发表|刊登|刊发|发布|公布)(?:于|在)?[^。\n]{0,40}?" + _YEAR + r"\s*年"
)
REPRINT = re.compile(r"(?:原载于|原载|刊于|引用本文|本文引用格式)[^。\n]{0,60}?" + _YEAR)
BANNER_YEAR = re.compile(r"(?:杂志|雜誌|学报|學報|期刊|Journal)[^\n]{0,30}?" + _YEAR + r"|" + _YEAR + r"\s*,\s*Vol"
                         r"|" + _YEAR + r"\s*;\s*\d{1,4}\s*\(\d{1,3}\)\s*:"  # Gastroenterology. 2018;154(5):1334
                         r"|" + _YEAR + r"\s*年\s*(?:第\s*\d{1,3}\s*卷\s*)?(?:第\s*)?\d{1,2}\s*期")
# a Chinese journal's DOI carries its issue: 10.3969/j.issn.1000-484X.2010.07.019
DOI_YEAR = re.compile(r"j\.issn\.\d{4}-\d{3}[\dXx]\." + _YEAR + r"\.\d{1,2}\.\d{2,4}")
_JOURNAL_TITLE = re.compile(r"《[^》\n]{1,80}》")
DATE_FIELD = re.compile(r"(?:出版日期|出版时间|发表日期|发表时间|刊出日期)\s*[:：]?\s*" + _YEAR)


def published_year(study_text: str) -> int | None:
    """The year a study's own text says it was published (``2019年…在《…》上发表``,
    ``刊登于《…》2022年12月号``); a journal's title in between is no distance."""
    m = PUBLISHED.search(_JOURNAL_TITLE.sub("《》", study_text))
    return int(next(g for g in m.groups() if g)) if m else None


def document_year(study_text: str, text: str) -> int | None:
    """The year the study was reported, the first of: as its own text says it was published;
    a reprint or citation note; a journal DOI's issue; the journal's banner or issue (2021年7期); a publication-date
    field; a publication statement anywhere on the page (a case report's 已于2024年1月…发表在《…》,
    in a sentence kept out of the study's own); the page's one reference. A news item's dateline
    or a page's posting date is when the page was written, not when the study was reported
    (docs/extraction.md)."""
    head = "\n".join(text.split("\n")[:6])
    told = published_year(study_text)
    if told is not None:
        return told
    for rx, where in ((REPRINT, text), (DOI_YEAR, text), (BANNER_YEAR, head), (DATE_FIELD, text),
                      (BANNER_YEAR, text)):
        m = rx.search(where)
        if m:
            return int(next(g for g in m.groups() if g))
    return published_year(text) or _sole_reference_year(text)


def _sole_reference_year(text: str) -> int | None:
    """A news item's one reference (参考资料: [1] Perin EC, et al. J Am Coll Cardiol. 2023.) is
    the paper it reports."""
    spans = reference_spans(text)
    return parse_citation(text[spans[0][0] : spans[0][1]])["year"] if len(spans) == 1 else None
