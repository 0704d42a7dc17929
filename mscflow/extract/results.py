"""What outcome and safety readers share: the sentences a study owns, their clauses, the arm a
figure is about, the time a sentence gives and numbers as written.

Results follow the study they report: a sentence belongs to the study whose evidence it
overlaps most, else to the last study opened earlier on the same line (a trial table's row, a
paragraph that goes on after the sentence that named the study). Sentences no study owns
(an article's general remarks) yield no result."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..parse.numbers import find_durations

NUM = r"\d+(?:\.\d+)?"
# a value as written: 33.9, (28.9±2.8), 约70; never a P value's number
VALUE = re.compile(rf"(?<![Pp<>=≤≥\d.])(?<![Pp]\s)(?<![<>=≤≥]\s)\(?\s*(?:约)?\s*({NUM})\s*(?:±\s*{NUM})?\s*\)?")
UNIT = re.compile(r"\s*(%|g/L|mg/L|U/L|IU/L|μmol/L|umol/L|mmol/L|mg/dL|U/kg|mL|ml|秒|分|个月|月|天)")
P_VALUE = re.compile(r"[Pp]\s*([<=>≤]\s*0?\.\d+)")
_SENTENCE_END = re.compile(r"[。!?\n]")
_CLAUSE_END = re.compile(r"[,;:。|]")

CONTROL = re.compile(r"对照组|安慰剂组|非SCT组|对照|安慰剂|control|placebo", re.I)
TREATED = re.compile(r"治疗组|观察组|试验组|移植组|干细胞组|MSC组|SCT组|PBSC组|输注组|MSC治疗组")
POOLED = re.compile(r"研究对象|队列|所有患者|全部患者|两组|2组|全体")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the clean text and the study that owns it."""

    start: int
    end: int
    text: str
    study: dict


def result_id(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:16]


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the sentences of ``text`` (ended by 。!? or a line break)."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _overlap(a: tuple[int, int], s: dict) -> int:
    return max(0, min(a[1], int(s["char_end"])) - max(a[0], int(s["char_start"])))


def _owner(span: tuple[int, int], studies: list[dict], text: str) -> dict | None:
    best = max(studies, key=lambda s: _overlap(span, s), default=None)
    if best is not None and _overlap(span, best) > 0:
        return best
    line_start = text.rfind("\n", 0, span[0]) + 1
    before = [s for s in studies if line_start <= int(s["char_start"]) < span[0]]
    return max(before, key=lambda s: int(s["char_start"]), default=None)


def owned_sentences(text: str, studies: list[dict]) -> list[Sentence]:
    """Every sentence some study owns, with that study."""
    out = []
    for a, b in sentences(text):
        study = _owner((a, b), studies, text)
        if study is not None:
            out.append(Sentence(a, b, text[a:b], study))
    return out


def clause_span(text: str, pos: int) -> tuple[int, int]:
    """The clause (between commas, semicolons, colons or cell bars) around ``pos``."""
    start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, pos)), default=0)
    end_m = _CLAUSE_END.search(text, pos)
    return start, end_m.start() if end_m else len(text)


def arm_of(before: str) -> str | None:
    """The arm the words before a figure (within its clause) name, or None."""
    control, treated = CONTROL.search(before), TREATED.search(before)
    if POOLED.search(before) or (control and treated):
        return "all"
    if control:
        return "control"
    return "treatment" if treated else None


def has_control(study: dict, sentence: str) -> bool:
    """The study names a control arm (in its evidence or in this sentence)."""
    return bool(study.get("n_control")) or bool(CONTROL.search(sentence)) or bool(
        CONTROL.search(study.get("evidence_text") or ""))


def timepoint(sentence: str, pos: int, skip: tuple[int, int] = (0, 0)) -> float | None:
    """Months of the time the sentence gives for a figure at ``pos``: the nearest duration before
    it in its clause, else before it in the sentence, else after it in its clause."""
    durations = [d for d in find_durations(sentence) if not (skip[0] <= d.start < skip[1])]
    c0, c1 = clause_span(sentence, pos)
    before = [d for d in durations if d.end <= pos]
    in_clause = [d for d in before if d.start >= c0]
    pick = (in_clause or before or [d for d in durations if pos <= d.start < c1])
    if not pick:
        return None
    d = pick[-1] if (in_clause or before) else pick[0]
    return round(float(d.months), 2)


def p_value(text: str) -> str | None:
    m = P_VALUE.search(text)
    return re.sub(r"\s+", "", m.group(1)) if m else None
