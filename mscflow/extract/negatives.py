"""Passages that look like studies and are not: plans, animal work, a population's statistics,
a trial's eligibility criteria. Named rules, used twice: to drop a cue-found prose candidate
whose opening sentence is one of these, and (more broadly) to keep such sentences out of a
document study's text."""

from __future__ import annotations

import re

_CELLS = re.compile(r"MSC|干细胞|間充質|间充质|细胞|細胞|stem cell", re.I)

# a candidate whose opening sentence says one of these is no study (a named rule each)
CANDIDATE_REFUSALS: dict[str, re.Pattern[str]] = {
    "future_plan": re.compile(r"计划(?!书)(?:[于在将要]|开展|启动|进行|纳入|招募|联合|明年|今年|年内|中的)|筹备|即将|(?<!模)拟(?:开展|进行|启动|纳入|招募)|下一步|将于|将(?:联合|开展|启动)|预计\s*\d{4}\s*年|planned|will enrol", re.I),
    "animal_work": re.compile(r"大鼠|小鼠|裸鼠|家兔|兔模型|[犬猪羊]|猕猴|动物模型|模型中|模型上|造模|\d+\s*只(?!有)|\bin (?:rats|mice)\b|porcine|murine", re.I),
    "eligibility": re.compile(r"^\s*(?:纳入标准|排除标准|入选标准)"),
}
_POPULATION = re.compile(r"患病率|发病率|病死率|死亡率|生存率|感染者|约有|据统计|超过\s*\d+(?:\.\d+)?\s*[万亿]|\d+(?:\.\d+)?\s*[万亿]\s*(?:例|名|人)")
_REVIEW_WORDS = re.compile(r"篇|项(?:研究|试验|RCT)|文献|数据库|检索|[Mm]eta|荟萃|系统评价")


def candidate_refusal(opening: str, passage: str) -> str | None:
    """Why a cue-found prose candidate is not a study, or None. ``opening`` is its first
    sentence, ``passage`` all of it (criteria belong to a review only when it pools studies)."""
    for name, rx in CANDIDATE_REFUSALS.items():
        if rx.search(opening) and not (name == "eligibility" and _REVIEW_WORDS.search(passage)):
            return name
    if _POPULATION.search(opening) and not _CELLS.search(opening):
        return "population_statistic"
    return None


def ends_a_study(sentence: str) -> bool:
    """A plan or animal work after a study's sentences is no more of that study: the reader
    stops extending the open study there (``下一步拟开展…III期研究`` after a pilot)."""
    return bool(CANDIDATE_REFUSALS["future_plan"].search(sentence) or CANDIDATE_REFUSALS["animal_work"].search(sentence))
