"""What kind of document an article is, read from its clean text before any study is looked for.

- ``review``: a survey of several studies (a title that says so, three or more cited
  author-year studies, or eight or more numbered references);
- ``registry``: a registry's listing (a table of three or more NCT/ChiCTR ids) or entry
  (key|value lines with a trial id, in a page that reports no study of its own);
- ``single_study``: one study's own report (a structured abstract, a case report, a paper's
  methods section, a news item about one trial);
- ``other``: none of these (general information, a Q&A, an advertisement).

The first shape whose signal is found wins, in that order; the evidence names the signal, so an
analyst can see why (``core.documents.document_shape`` and ``shape_evidence``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

SHAPES = ("registry", "review", "single_study", "other")

_TRIAL_ID = re.compile(r"NCT\d{8}|ChiCTR[-A-Z0-9]{8,20}|(?<![A-Za-z])CTR\d{8}", re.I)  # CTR: China's drug-trial registry
# the entry's id as a key and its value, on one line (注册号 | …) or the next (登记号\nCTR20252299)
_KV_ID = re.compile(r"^\s*[|｜]?\s*(?:注册号|註冊號|登记号|登記號|试验注册号|registration number)\s*[:：]?\s*"
                    r"(?:[|｜]|\n\s*(?:NCT|ChiCTR|CTR)\d)", re.M | re.I)
_REVIEW_TITLE = re.compile(r"综述|綜述|进展|進展|荟萃|薈萃|[Mm]eta|系统评价|系統評價|盘点|盤點|汇总|匯總|一览|一覽|\d+\s*项(?:研究|试验|临床)")
_AUTHOR_YEAR = re.compile(
    r"(?:[A-Z][A-Za-z'\-]+(?:[\s-]+[A-Z][A-Za-z.'\-]*)*\.?|[\u4e00-\u9fff]{2,4})\s?(?:等人?|et al\.?)\s?[(（,，]?\s*(?:19|20)\d\d"
    r"|(?:19|20)\d\d\s*年[^。\n]{0,12}[A-Z\u4e00-\u9fff][^。\n]{0,6}等人?")
_MARKER = re.compile(r"\[(\d{1,3})\]|【(\d{1,3})】")
_THERAPY = re.compile(r"干细胞|幹細胞|MSC|间充质|間充質|细胞治疗|細胞治療|stem cell", re.I)
_ABSTRACT = re.compile(r"(?:^|\n)\s*(?:【?摘\s*要】?[:：]?\s*)?【?目的】?\s*[:：]?.{0,400}?【?方法】?\s*[:：]?", re.S)
_ABSTRACT_EN = re.compile(r"\bObjectives?\b.{0,600}?\bMethods?\b", re.S)
_CASE = re.compile(r"病例报告|病例報告|个案报道|個案報道|个案报告|(?:患者|患儿)\s*[,，]\s*(?:男|女)\s*[,，]\s*\d{1,3}\s*岁|\d+\s*例(?:报道|報道|报告)$", re.M)
_OWN_METHODS = re.compile(r"(?:^|\n)\s*1\s*(?:资料与方法|對象與方法|对象与方法|材料与方法)|本研究(?:共)?(?:纳入|选取|收集)|我们(?:共)?(?:招募|纳入)")
_ONE_TRIAL_NEWS = re.compile(
    r"(?:团队|課題組|课题组|医院|大学|研究人员|研究者)[^。\n]{0,40}(?:发表|發表|刊登|公布|發布|发布)[^。\n]{0,40}(?:一项|一篇|研究|试验|試驗|成果)"
    r"|(?:试验|試驗|研究)(?:的)?(?:结果|結果|成果)[^。\n]{0,30}(?:发表|發表|刊登|公布)"  # …III期临床试验结果于2024年6月在《…》上发表
    r"|(?:宣布|公布)[^。\n]{0,60}(?:试验|試驗|研究)(?:达到|達到|取得|获得|結果|结果)")  # a press release: …III期临床试验达到主要终点
# a journal's title and its English name in brackets are no distance between a team and its verb
_JOURNAL_NAME = re.compile(r"《[^》\n]{1,80}》|[(（][A-Za-z][^)）\n]{2,80}[)）]")


def _title(text: str) -> str:
    """The first short line that names the therapy (a journal banner or a menu is no title)."""
    lines = [ln.strip() for ln in text.split("\n")[:15] if 6 <= len(ln.strip()) <= 80]
    return next((ln for ln in lines if _THERAPY.search(ln)), lines[0] if lines else "")


def _registry(text: str) -> str | None:
    listed = {m.group() for line in text.split("\n") if line.count("|") >= 2 for m in _TRIAL_ID.finditer(line)}
    if len(listed) >= 3:
        return f"a listing of {len(listed)} registered trials"
    if _KV_ID.search(text) and not _single_study(text):
        return "a key|value registry entry (注册号 | …)"
    return None


def _review(text: str) -> str | None:
    title = _title(text)
    if _REVIEW_TITLE.search(title):
        return f"a survey title: {title[:40]}"
    cited = {m.group() for m in _AUTHOR_YEAR.finditer(text)}
    if len(cited) >= 3:
        return f"{len(cited)} cited author-year studies"
    markers = {m.group(1) or m.group(2) for m in _MARKER.finditer(text)}
    return f"{len(markers)} numbered references cited" if len(markers) >= 8 else None


def _single_study(text: str) -> str | None:
    for name, rx, reach in (("a structured abstract (目的/方法)", _ABSTRACT, 6000),
                            ("an English structured abstract", _ABSTRACT_EN, 6000), ("a case report", _CASE, 6000),
                            ("its own methods (本研究/资料与方法)", _OWN_METHODS, 6000),
                            ("a news item leading with one team's published study", _ONE_TRIAL_NEWS, 1500)):
        head = text[:reach]
        if rx is _ONE_TRIAL_NEWS:
            head = _JOURNAL_NAME.sub("《》", head)
        if rx.search(head):
            return name
    return None


SIGNALS: tuple[tuple[str, Callable[[str], str | None]], ...] = (
    ("review", _review), ("registry", _registry), ("single_study", _single_study),
)


@lru_cache(maxsize=4)  # the study rules ask it of the same document several times
def document_shape(text: str) -> tuple[str, str]:
    """(shape, evidence) of a clean text; ``other`` with no evidence when no signal is found."""
    for shape, signal in SIGNALS:
        evidence = signal(text)
        if evidence:
            return shape, evidence
    return "other", ""
