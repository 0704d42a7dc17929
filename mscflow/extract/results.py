"""What outcome and safety readers share: the sentences a study owns, their clauses, the arm a
figure is about, the time a sentence gives and numbers as written.

Results follow the study they report: a sentence belongs to the study whose evidence it
overlaps most, else to the last study opened earlier on the same line (a trial table's row, a
paragraph that goes on after the sentence that named the study). Sentences no study owns
(an article's general remarks) yield no result."""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..parse.numbers import find_durations

NUM = r"\d+(?:\.\d+)?"
# a value as written: 33.9, (28.9±2.8), 约70; never a P value's number
VALUE = re.compile(rf"(?:(?<=vs)|(?<=vs\.)|(?<![Pp<>=≤≥\d.A-Za-z\-\[]))(?<![Pp]\s)(?<![<>=≤≥]\s)\(?\s*(?:约)?\s*({NUM})(?![\d.])"
                   rf"(?!\s*(?:年|周|天|小时|个月|月|岁|名|例|期|级|项|次|代|x|×|X|\]|个细胞|-\d|\s*h(?![A-Za-z])|和\s*\d+\s*(?:年|周|个月|天)))\s*(?:±\s*{NUM})?\s*\)?")
# a duration value (median survival 92.50个月): the same, its months allowed
DURATION_VALUE = re.compile(rf"(?<![\d.A-Za-z\-\[])({NUM})(?=\s*(?:和|与|、|,|个月|月))")
UNIT = re.compile(r"\s*(%|g/L|mg/L|U/L|IU/L|μmol/L|umol/L|mmol/L|mg/dL|U/kg|mIU/mL|ng/mL|mL|ml|mm|cm|m(?![A-Za-z])|"
                  r"个百分点|秒|分|个月|月|天|d(?![A-Za-z]))")
P_VALUE = re.compile(r"[Pp]\s*([<=>≤]\s*0?\.\d+)")
# not "?": damaged text writes it for lost bytes; a half-width full stop ends a sentence when a
# space follows it after Chinese (a journal's 各20例. 对照组…)
_SENTENCE_END = re.compile(r"[。!\n]|(?<=[\u4e00-\u9fff)])\.(?=\s)")
_CLAUSE_END = re.compile(r"[,;:。|]")

CONTROL = re.compile(r"对照组|安慰剂组|非SCT组|标准治疗组|常规治疗组|假手术组|对照|安慰剂|control|placebo", re.I)
# the control named as what the treated arm is compared with (较安慰剂组多出, 与对照组相比)
COMPARATOR = re.compile(r"(?:较|比)(?:对照组|安慰剂组|标准治疗组|常规治疗组|假手术组)|(?:与|和)(?:对照组|安慰剂组|标准治疗组|"
                        r"常规治疗组|假手术组)(?:相比|比较)")
TREATED = re.compile(r"(?<!非)(?:治疗组|观察组|试验组|移植组|干细胞组|MSC组|SCT组|PBSC组|输注组|MSC治疗组)")
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
    """Spans of the sentences of ``text`` (ended by 。, ! or a line break)."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


class _Owners:
    """Which study owns a sentence: the study whose evidence the sentence overlaps most (the
    first listed on a tie), else the last one opened earlier on its line, else the document's
    own study (an abstract, news item or case report is one study, its facts gathered across
    the document). Sentences are asked in text order, so the studies a sentence can overlap
    are kept as a sweep over the spans instead of a scan of every study per sentence."""

    def __init__(self, studies: list[dict]):
        self.studies = studies
        self.spans = [(int(s["char_start"]), int(s["char_end"])) for s in studies]
        self.order = sorted(range(len(studies)), key=lambda i: self.spans[i][0])
        self.starts = [self.spans[i][0] for i in self.order]
        self.first_at: dict[int, int] = {}
        for i, (start, _) in enumerate(self.spans):
            self.first_at.setdefault(start, i)
        self.active: list[int] = []
        self.opened = 0
        self.doc_study = next((i for i, s in enumerate(studies) if s.get("kind") == "document"), None)

    def owner(self, span: tuple[int, int], line_start: int) -> dict | None:
        a, b = span
        while self.opened < len(self.order) and self.starts[self.opened] < b:
            self.active.append(self.order[self.opened])
            self.opened += 1
        self.active = [i for i in self.active if self.spans[i][1] > a]  # later sentences start later
        overlaps = [(min(b, self.spans[i][1]) - max(a, self.spans[i][0]), -i) for i in self.active]
        if overlaps and max(overlaps)[0] > 0:
            return self._told_within(-max(overlaps)[1])
        k = bisect.bisect_left(self.starts, a) - 1
        if k >= 0 and self.starts[k] >= line_start:
            return self.studies[self.first_at[self.starts[k]]]
        if self.doc_study is not None:
            return self._told_within(self.doc_study)
        # a page that tells one study: what follows its opening is its story (结果显示: and the list)
        return self.studies[0] if len(self.studies) == 1 and self.spans[0][0] < a else None

    def _told_within(self, i: int) -> dict:
        """A document study whose evidence holds exactly one other study of the document is that
        study told at document level: its results are that study's."""
        study = self.studies[i]
        if study.get("kind") != "document":
            return study
        a, b = self.spans[i]
        inner = [j for j, (s, e) in enumerate(self.spans) if j != i and a <= s and e <= b]
        return self.studies[inner[0]] if len(inner) == 1 else study


_SECTION = re.compile(r"\s*(?:结果|结论|安全性|有效性|疗效)\s*[:\s]")


def owned_sentences(text: str, studies: list[dict]) -> list[Sentence]:
    """Every sentence some study owns, with that study. A line an abstract's section label opens
    (结果:, 结论:) goes on with the study of the line before it."""
    out: list[Sentence] = []
    owners = _Owners(studies)
    for a, b in sentences(text):
        line_start = text.rfind("\n", 0, a) + 1
        study = owners.owner((a, b), line_start)
        if study is None and out and _SECTION.match(text, line_start) and text.count("\n", out[-1].end, line_start) <= 1:
            study = out[-1].study
        if study is not None:
            out.append(Sentence(a, b, text[a:b], study))
    return out


def clause_span(text: str, pos: int) -> tuple[int, int]:
    """The clause (between commas, semicolons, colons or cell bars) around ``pos``."""
    start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, pos)), default=0)
    end_m = _CLAUSE_END.search(text, pos)
    return start, end_m.start() if end_m else len(text)


def arm_of(before: str) -> str | None:
    """The arm the words before a figure (within its clause) name, or None (``all`` means both arms:
    the caller keeps it only for a study with a control arm)."""
    before = COMPARATOR.sub("", before)
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


_TIME_MARK_AFTER = re.compile(r"\s*(?:后|时|的随访|随访|内|的就诊)")
_TIME_MARK_BEFORE = re.compile(r"(?:(?:后|治疗|经过|随访)\s*第?|第)\s*$")


def _in_other_brackets(sentence: str, start: int, pos: int) -> bool:
    """A duration inside a parenthesis that does not also hold the figure (随访期间(12-40个月))."""
    opened = sentence.rfind("(", 0, start)
    if opened < 0 or sentence.rfind(")", opened, start) >= 0:
        return False
    closed = sentence.find(")", start)
    return not (opened < pos < (closed if closed >= 0 else len(sentence)))


def _marked(sentence: str, d) -> bool:
    return bool(_TIME_MARK_AFTER.match(sentence, d.end) or _TIME_MARK_BEFORE.search(sentence, 0, d.start))


def timepoint(sentence: str, pos: int, skip: tuple[int, int] = (0, 0)) -> float | None:
    """Months of the time the sentence gives for a figure at ``pos``: the nearest duration before
    it in its clause, else the nearest time marked as one (治疗后48周, 在6个月的随访中) before it in
    the sentence, else one after it in its clause. Durations in another parenthesis are ranges
    of a description, not the figure's time."""
    durations = [d for d in find_durations(sentence)
                 if not (skip[0] <= d.start < skip[1]) and not _in_other_brackets(sentence, d.start, pos)]
    c0, c1 = clause_span(sentence, pos)
    before = [d for d in durations if d.end <= pos]
    in_clause = [d for d in before if d.start >= c0]
    marked = [d for d in before if _marked(sentence, d)]
    after = [d for d in durations if pos <= d.start < c1]
    d = (in_clause or marked or [None])[-1] or (after[0] if after else None)
    return None if d is None else round(float(d.months), 2)


def p_value(text: str) -> str | None:
    m = P_VALUE.search(text)
    return re.sub(r"\s+", "", m.group(1)) if m else None
