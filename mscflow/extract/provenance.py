"""Every value's own provenance: for each filled field of a study, the mention that states it —
its span in the clean text (and, through the offset map, in the raw file) and the rule that
read it. A value no single mention states says how it was reached (``derived:…``, ``default:…``,
``context:…``) and points at the passage it was reached from; a field left empty because the
text contradicts itself says so (``abstain:…``).

Mentions are found by the same readers the fields were read with (vocabularies, counts,
doses, durations, years, administrations), first in the study's own evidence, then, for
values a study takes from its document (the article's disease, a document study's facts), in
the whole text."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..contracts import fact_fields
from ..parse.numbers import (
    find_administrations,
    find_counts,
    find_doses,
    find_durations,
    find_years,
)
from ..parse.vocab import load_vocab

TOLERANCE = 0.02  # a mention states a number when it is this close (as the scorer compares)
VOCAB_OF = {"disease": "disease", "design": "design", "phase": "phase", "cell_type": "cell_type",
            "tissue_source": "tissue_source", "donor": "donor", "route": "route"}
DEFAULTS = {("cell_type", "msc"): "default:msc_when_unnamed", ("tissue_source", "unspecified"): "default:not_stated",
            ("design", "single_arm"): "default:treated_without_control", ("design", "other"): "default:design_not_stated",
            ("design", "non_randomized_controlled"): "derived:control_arm_without_randomisation",
            ("design", "case_report"): "derived:one_patient", ("disease", "other"): "default:disease_not_named",
            ("tissue_source", "mixed"): "derived:several_sources"}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    rule: str


def _close(a: float, b: float, tol: float = TOLERANCE) -> bool:
    return abs(a - b) <= tol * abs(b) + 1e-9


def _term_mentions(field: str, value: str, text: str) -> Iterator[Mention]:
    vocab = load_vocab(VOCAB_OF[field])
    for m in vocab.find(text):
        if m.code == value:
            yield Mention(m.start, m.end, f"term:{vocab.name}")


_NUMBER = re.compile(r"(?<![\d.])\d+(?![\d.])")  # a whole number, not part of a decimal
_DIGITS = re.compile(r"(?<!\d)\d+(?!\d)")  # a whole run of digits (a year may touch a dot)


def _written(runs: re.Pattern, value: float, text: str, rule: str) -> Iterator[Mention]:
    """``value`` written as a bare number: one precompiled scan, not a pattern per value."""
    digits = str(int(value))
    for m in runs.finditer(text):
        if m.group() == digits:
            yield Mention(m.start(), m.end(), rule)


def _count_mentions(value: float, text: str) -> Iterator[Mention]:
    for c in find_counts(text):
        if _close(c.low, value, 0):
            yield Mention(c.start, c.end, "count")
    yield from _written(_NUMBER, value, text, "number")


_PER_KG = re.compile(r"\s*(?:个|個)?\s*(?:细胞|細胞|MSCs?|cells?)?\s*(?:/|每)\s*(?:kg|公斤|千克)(?:\s*体重)?", re.I)


def _dose_mentions(field: str, value: float, text: str) -> Iterator[Mention]:
    """The dose as written, its per-kg unit included (``1×10^6/kg``), so the span reads whole."""
    for d in find_doses(text):
        unit = _PER_KG.match(text, d.end) if d.per_kg else None
        end = unit.end() if unit else d.end
        if field == "dose_per_kg":
            if bool(d.per_kg) == bool(value):
                yield Mention(d.start, end, "dose:per_kg" if d.per_kg else "dose:per_patient")
        elif _close(d.low, value) or _close(d.high, value):
            yield Mention(d.start, end, "dose")


def _duration_mentions(value: float, text: str) -> Iterator[Mention]:
    for d in find_durations(text):
        if _close(d.months, value, 0.05):
            yield Mention(d.start, d.end, "duration")


def _administration_mentions(value: float, text: str) -> Iterator[Mention]:
    for a in find_administrations(text):
        if _close(a.low, value, 0):
            yield Mention(a.start, a.end, "administrations")
    yield from _written(_NUMBER, value, text, "number")


def _year_mentions(value: float, text: str) -> Iterator[Mention]:
    for y in find_years(text):
        if int(y.low) == int(value):
            yield Mention(y.start, y.end, "year")
    yield from _written(_DIGITS, value, text, "year")


def mentions(field: str, value: object, text: str) -> Iterator[Mention]:
    """Mentions in ``text`` that state ``value`` for ``field``."""
    if field in VOCAB_OF:
        return _term_mentions(field, str(value), text)
    number = float(value)  # type: ignore[arg-type]
    readers: dict[str, Callable[[], Iterator[Mention]]] = {
        "n_total": lambda: _count_mentions(number, text), "n_treatment": lambda: _count_mentions(number, text),
        "n_control": lambda: _count_mentions(number, text), "dose_low": lambda: _dose_mentions(field, number, text),
        "dose_high": lambda: _dose_mentions(field, number, text), "dose_per_kg": lambda: _dose_mentions(field, number, text),
        "follow_up_months": lambda: _duration_mentions(number, text), "year": lambda: _year_mentions(number, text),
        "n_administrations": lambda: _administration_mentions(number, text),
    }
    return readers[field]()


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _value_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e6 else f"{value:.6g}"
    return str(value)


def _derived_sum(study: dict, text: str, start: int, end: int) -> Mention | None:
    """A total no mention states that is the sum of the stated arms."""
    t, c, n = study.get("n_treatment"), study.get("n_control"), study.get("n_total")
    if not (_filled(t) and _filled(c) and _filled(n) and int(t) + int(c) == int(n)):
        return None
    spans = [m for f in ("n_treatment", "n_control") for m in mentions(f, study[f], text[start:end])]
    if len(spans) < 2:
        return None
    return Mention(start + min(m.start for m in spans), start + max(m.end for m in spans), "derived:sum_of_arms")


def locate(study: dict, field: str, text: str) -> Mention:
    """The mention that states the study's value for ``field``: in its evidence first, then in
    the whole document; else how the value was reached, pointing at the study's evidence."""
    start, end = int(study["char_start"]), int(study["char_end"])
    value = study[field]
    if field == "n_total":
        derived = _derived_sum(study, text, start, end)
        if derived and not next(mentions(field, value, text[start:end]), None):
            return derived
    found = next(mentions(field, value, text[start:end]), None)
    if found is not None:
        return Mention(start + found.start, start + found.end, found.rule)
    default = DEFAULTS.get((field, str(value)))
    if default is not None:
        return Mention(start, end, default)
    found = next(mentions(field, value, text), None)
    if found is not None:
        return Mention(found.start, found.end, "context:" + found.rule)
    return Mention(start, end, "derived:read_from_passage")


def _abstentions(study: dict, text: str) -> list[tuple[str, Mention]]:
    """Fields left empty because the evidence names conflicting values (e.g. 自体 and 异体)."""
    start, end = int(study["char_start"]), int(study["char_end"])
    out = []
    for field in ("donor",):
        if _filled(study.get(field)):
            continue
        hits = load_vocab(VOCAB_OF[field]).find(text[start:end])
        if len({h.code for h in hits}) > 1:
            out.append((field, Mention(start + hits[0].start, start + hits[-1].end, "abstain:conflicting_terms")))
    return out


def study_values(study: dict, text: str, raw_span: Callable[[int, int], tuple[int, int]]) -> list[dict]:
    """One ``study_values`` record per filled fact field of ``study`` (and per abstention)."""
    out = []

    def record(field: str, value: object, m: Mention) -> dict:
        raw_start, raw_end = raw_span(m.start, m.end)
        return {"study_id": study["study_id"], "document_id": study["document_id"], "field": field,
                "value": None if value is None else _value_text(value), "char_start": m.start, "char_end": m.end,
                "raw_start": raw_start, "raw_end": raw_end, "rule": m.rule}

    for field in fact_fields():
        if _filled(study.get(field)):
            out.append(record(field, study[field], locate(study, field, text)))
    out += [record(field, None, m) for field, m in _abstentions(study, text)]
    return out
