"""Adverse events: the safety statements of each study (core.adverse_events), read clause by
clause as named passes over the event terms of assets/vocab/adverse_events.yaml.

``none_observed`` (未观察到严重不良事件: n 0, serious when qualified so), ``respectively``
(分别有3%和32.1%的患者发生感染), ``occurred`` (7名患者…出现发热; a count, a share or 所有患者
before the verb), ``listed`` (…副作用,包括头疼、恶心呕吐: the kinds of a preceding statement).
Comparisons without a count (AE更少, 风险远低于对照组), the control arm's events and "no other
events" (其他) are not statements of the treated patients' events."""

from __future__ import annotations

import re
from functools import cache

import yaml

from ..parse.vocab import Match, load_vocab
from ..settings import vocab_dir
from .results import CONTROL, NUM, TREATED, Sentence, owned_sentences, result_id

GENERIC = ("adverse_event", "serious_adverse_event")
_NEGATION = re.compile(r"(?:并未|并没有?|没有|未|没|无(?!关|显著差异|明显差异)|不(?=产生|出现|发生|伴有|会出现))"
                       r"(?:观察到|发现|出现|记录到|报告|发生|产生|见|有)?")
_OCCURRED = re.compile(r"出现|发生|发现了?|观察到|记录了|表现出|死于|有")
_COMPARISON = re.compile(r"更少|更常见|更多|低于|高于|差异|风险|相比|优于")
_OTHER = re.compile(r"其他|其它")
_COUNT = re.compile(r"(\d+)\s*(?:例|名|位|人)")
_RATE = re.compile(rf"({NUM})\s*%")
_ALL = re.compile(r"所有的?患者|全部患者|所有病人")
_RESPECTIVELY = re.compile(rf"分别有\s*({NUM})\s*%\s*(?:和|与|及|、)\s*({NUM})\s*%")
_DEATH_COUNT = re.compile(r"(\d+)\s*(?:名|例)(?:患者)?\s*死亡")
_CLAUSES = re.compile(r"[^,;:]+")


@cache
def _qualifiers() -> dict[str, re.Pattern[str]]:
    doc = yaml.safe_load((vocab_dir() / "adverse_events.yaml").read_text(encoding="utf-8"))
    return {k: re.compile("|".join(map(re.escape, v)), re.I) for k, v in (doc.get("qualifiers") or {}).items()}


def _serious(clause: str, code: str) -> bool | None:
    if code in ("death", "serious_adverse_event"):
        return True
    q = _qualifiers()
    if q["serious"].search(clause):
        return True
    return False if q["mild"].search(clause) else None


def _terms(clause: str) -> list[Match]:
    """Event terms of the clause; a death's cause (死于真菌感染) is not an event of its own."""
    hits = [h for h in load_vocab("adverse_event").find(clause) if not clause.startswith("率", h.end)]
    died = next((h for h in hits if h.term == "死于"), None)
    return [h for h in hits if died is None or h.start <= died.start]


def _kinds(hits: list[Match]) -> list[Match]:
    """One hit per code; generic nouns only when no kind is named."""
    specific = [h for h in hits if h.code not in GENERIC]
    chosen = specific or hits
    out: dict[str, Match] = {}
    for h in chosen:
        out.setdefault(h.code, h)
    return list(out.values())


def _generic_code(clause: str, hit: Match) -> str:
    if hit.code == "adverse_event" and _qualifiers()["serious"].search(clause[max(0, hit.start - 6):hit.start]):
        return "serious_adverse_event"
    return hit.code


def _none_observed(clause: str, hits: list[Match]) -> list[tuple[Match, str, int | None, float | None, int]]:
    neg = next((m for m in _NEGATION.finditer(clause) if not any(h.start <= m.start() < h.end for h in hits)), None)
    if neg is None or not hits or hits[0].start < neg.start() or _OTHER.search(clause[neg.end():hits[0].start]):
        return []
    named: dict[str, Match] = {}
    for h in hits:  # every kind denied is a zero: 未出现感染或严重不良事件
        named.setdefault(_generic_code(clause, h), h)
    return [(h, code, 0, None, neg.start()) for code, h in named.items()]


def _respectively(clause: str, hits: list[Match]) -> list[tuple[Match, str, int | None, float | None, int]]:
    m = _RESPECTIVELY.search(clause)
    if not m or not hits:
        return []
    h = _kinds(hits)[0]
    return [(h, h.code, None, float(m.group(1)), m.start(1)), (h, h.code, None, float(m.group(2)), m.start(2))]


def _occurred(clause: str, hits: list[Match], study: dict) -> list[tuple[Match, str, int | None, float | None, int]]:
    if (d := _DEATH_COUNT.search(clause)) is not None:
        return [(next(h for h in hits if h.code == "death"), "death", int(d.group(1)), None, d.start())] if any(
            h.code == "death" for h in hits) else []
    verb = _OCCURRED.search(clause)
    if verb is None or not hits or hits[0].start < verb.start():
        return []
    head = clause[:hits[0].start]
    count, rate, all_ = _COUNT.search(head), _RATE.search(head), _ALL.search(head)
    n = int(count.group(1)) if count else (1 if study.get("n_total") == 1 else None)
    share = 100.0 if all_ else (float(rate.group(1)) if rate else None)
    at = (count or rate or all_ or verb).start()
    return [(h, _generic_code(clause, h), None if share is not None else n, share, at) for h in _kinds(hits)]


def _statements(clause: str, study: dict, listing: bool) -> list[tuple[Match, str, int | None, float | None, int]]:
    hits = _terms(clause)
    if not hits or _COMPARISON.search(clause) or (CONTROL.search(clause) and not TREATED.search(clause)):
        return []
    if listing and clause.lstrip().startswith("包括"):
        return [(h, h.code, None, None, h.start) for h in _kinds(hits)]
    if _negated(clause, hits):
        return _none_observed(clause, hits)
    return _respectively(clause, hits) or _occurred(clause, hits, study)


def _negated(clause: str, hits: list[Match]) -> bool:
    return any(m.start() < hits[0].start and not any(h.start <= m.start() < h.end for h in hits)
               for m in _NEGATION.finditer(clause))


def _record(sentence: Sentence, start: int, hit: Match, code: str, n: int | None, rate: float | None,
            at: int, rule: str, clause: str) -> dict:
    study = sentence.study
    a, b = sentence.start + start + min(at, hit.start), sentence.start + start + hit.end
    return {
        "adverse_event_id": result_id(study["study_id"], code, a, rate), "study_id": study["study_id"],
        "document_id": study["document_id"], "event": code, "event_text": hit.term, "n_patients": n, "rate": rate,
        "serious": _serious(clause, code), "evidence_text": sentence.text, "char_start": a, "char_end": b,
        "rule": f"adverse_event:{rule}",
    }


def _rule(n: int | None, rate: float | None, listing: bool) -> str:
    if listing:
        return "listed"
    return "none_observed" if n == 0 else "occurred"


def _sentence_events(sentence: Sentence) -> list[dict]:
    out, listing = [], False
    for m in _CLAUSES.finditer(sentence.text):
        clause = m.group(0)
        found = _statements(clause, sentence.study, listing)
        is_list = listing and clause.lstrip().startswith("包括")
        for hit, code, n, rate, at in found:
            rule = "respectively" if _RESPECTIVELY.search(clause) else _rule(n, rate, is_list)
            rec = _record(sentence, m.start(), hit, code, n, rate, at, rule, clause)
            if n == 1 and "1" not in sentence.text[rec["char_start"] - sentence.start:rec["char_end"] - sentence.start]:
                rec["rule"] = "adverse_event:one_patient"  # a case report's patient, counted by the study
            out.append(rec)
        listing = bool(found) or (listing and is_list)
    return out


def extract_adverse_events(text: str, studies: list[dict]) -> list[dict]:
    """Every safety statement of every study of one document (``text``: the folded clean text)."""
    out: list[dict] = []
    seen: set[str] = set()
    for sentence in owned_sentences(text, studies):
        for rec in _sentence_events(sentence):
            if rec["adverse_event_id"] not in seen:
                seen.add(rec["adverse_event_id"])
                out.append(rec)
    return out
