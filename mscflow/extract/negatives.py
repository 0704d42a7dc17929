"""Passages that look like studies and are not: plans, animal work, a population's statistics,
a trial's eligibility criteria. Named rules, used twice: to drop a cue-found prose candidate
whose opening sentence is one of these, and (more broadly) to keep such sentences out of a
document study's text."""

from __future__ import annotations

import re

# a treatment given: a sentence that names one tells a study's result, not a population's statistic
_TREATED = re.compile(r"MSC|干细胞|間充質|间充质|细胞|細胞|stem cell|移植|输注|注射|回输", re.I)

# a notice that a study starts or recruits, not a study that was done
RECRUITMENT = re.compile(r"(?:面向社会|公开|正在|现|现在|目前)招募|招募[^。]{0,24}(?:免费|志愿者)|免费接受"
                         r"|(?:现|现正|正在|目前正在)(?:开展|进行)一项"  # 我院现开展一项…II期临床研究: it runs, nothing is reported
                         r"|启动[^。,，]{0,30}(?:临床研究|临床试验|研究项目|试验项目)|研究计划")

# what is still to be done: a plan, a next phase, an expected enrolment (下一阶段将进行…, 预计收案60人)
_PLAN = (r"计划(?!书)(?:[于在将要]|开展|启动|进行|纳入|招募|联合|明年|今年|年内|中的)|(?<!模)拟(?:开展|进行|启动|纳入|招募)"
         r"|筹备|即将|将(?:于|联合|开展|启动|进行)|下一步|下一?阶段|预计\s*\d{4}|预计(?:将)?(?:收案|纳入|招募|入组|招收)|planned"
         r"|值得(?:进一步)?(?:开展|进行|探索)")

# a candidate whose opening sentence says one of these is no study (a named rule each)
CANDIDATE_REFUSALS: dict[str, re.Pattern[str]] = {
    "future_plan": re.compile(_PLAN + r"|will enrol", re.I),
    "recruitment": RECRUITMENT,
    "animal_work": re.compile(r"大鼠|小鼠|裸鼠|家兔|兔模型|[犬猪羊]|猕猴|动物模型|模型中|模型上|造模|\d+\s*只(?!有)|\bin (?:rats|mice)\b|porcine|murine", re.I),
    "eligibility": re.compile(r"^\s*(?:纳入标准|排除标准|入选标准)"),
    # the page introducing what it is about to tell: 本文回顾其中一项随机对照研究及其1年随访结果
    "article_intro": re.compile(r"本文(?:将)?(?:回顾|介绍|梳理|盘点|解读|总结|汇总|综述)"),
    # what the field still lacks: 国际上尚缺乏大规模III期试验, 目前尚无III期研究
    "absent": re.compile(r"(?:缺乏|缺少|尚无|仍无|没有|未见)[^,，;;。]{0,12}(?:研究|试验|證據|证据)"),
}
_POPULATION = re.compile(r"^\s*约?\s*\d+(?:\.\d+)?\s*%\s*的?(?:患者|病人|人群)|患病率|发病率|病死率|死亡率|生存率|感染者|约有|据统计|超过\s*\d+(?:\.\d+)?\s*[万亿]|\d+(?:\.\d+)?\s*[万亿]\s*(?:例|名|人)")
_REVIEW_WORDS = re.compile(r"篇|项(?:研究|试验|RCT)|文献|数据库|检索|[Mm]eta|荟萃|系统评价")


# a sentence of a document that says one of these is not about the document's own study
SENTENCE_REFUSALS: dict[str, re.Pattern[str]] = {
    "future": re.compile(_PLAN + r"|有待|仍需|尚需|还需|未来|今后|will be"),
    "recruitment": RECRUITMENT,
    "animal": re.compile(r"大鼠|小鼠|裸鼠|家兔|兔模型|犬|猪|羊|猕猴|动物|模型中|模型上|造模|\d+\s*只(?!有)|in rats|in mice|porcine|murine"),
    "population": re.compile(r"据统计|患病率|发病率|病死率|死亡率约|约有|感染者约|超过\s*\d+(?:\.\d+)?\s*[万亿]|\d+(?:\.\d+)?\s*[万亿]\s*(?:例|名|人)"),
    "literature": re.compile(r"文献报道|研究表明|研究显示|有研究|既往研究|多项研究|荟萃分析|系统评价|综述|报道以来|首次报道|\[\d{1,3}(?:\s*[-–,]\s*\d{1,3})*\]"),
    "criteria": re.compile(r"^\s*(?:\d[.\d]*\s*)?(?:纳入标准|排除标准|入选标准|inclusion criteria|exclusion criteria)", re.I),
    "totals": re.compile(r"累计|已(?:为|服务|接诊)[^。]{0,10}\d+\s*余?(?:例|名|位|人)次?|首例"),
}


# a rate over years with no treatment named: the disease's outlook (5年死亡率仍高达50%)
_POPULATION_RATE = re.compile(r"\d+\s*(?:年|个月|天)\s*(?:内的?)?(?:死亡率|病死率|生存率|存活率|复发率)")


def sentence_refusal(sentence: str) -> str | None:
    """The first reason a document's sentence is not about the document's own study, or None."""
    named = next((name for name, rx in SENTENCE_REFUSALS.items() if rx.search(sentence)), None)
    if named is None and _POPULATION_RATE.search(sentence) and not _TREATED.search(sentence) and "组" not in sentence:
        return "population"
    return named


def candidate_refusal(opening: str, passage: str) -> str | None:
    """Why a cue-found prose candidate is not a study, or None. ``opening`` is its first
    sentence, ``passage`` all of it (criteria belong to a review only when it pools studies)."""
    for name, rx in CANDIDATE_REFUSALS.items():
        if rx.search(opening) and not (name == "eligibility" and _REVIEW_WORDS.search(passage)):
            return name
    if _POPULATION.search(opening) and not _TREATED.search(opening):
        return "population_statistic"
    return None


def ends_a_study(sentence: str) -> bool:
    """A plan or animal work after a study's sentences is no more of that study: the reader
    stops extending the open study there (``下一步拟开展…III期研究`` after a pilot)."""
    return bool(CANDIDATE_REFUSALS["future_plan"].search(sentence) or CANDIDATE_REFUSALS["animal_work"].search(sentence))
