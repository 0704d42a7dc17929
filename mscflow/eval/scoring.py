"""Score extracted studies against the hand-made gold (rules of gold/SCHEMA.md).

An extracted study matches a gold study of the same document when the gold ``anchor`` occurs
in its ``evidence_text`` (ignoring whitespace, case, full/half width, dash variants and ``×``
versus ``x``); each record matches at most one gold study and vice versa. Numbers match
within 2 % (follow-up within 5 %); the year matches exactly. Per field, precision is over the
values the extraction filled (an invented study counts against it) and recall over the values
the gold fills. Optional gold studies are neither rewarded nor penalised when missed, and are
scored on their fields when matched.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..contracts import fact_fields

NUMERIC_TOLERANCE = {"follow_up_months": 0.05, "year": 0.0}
DEFAULT_TOLERANCE = 0.02
_DASHES = re.compile(r"[‐‑‒–—―−~～]")


def normalize(text: str) -> str:
    """The form anchors and evidence are compared in."""
    t = unicodedata.normalize("NFKC", text or "").casefold()
    t = _DASHES.sub("-", t).replace("×", "x")
    return re.sub(r"\s+", "", t)


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(isinstance(v, float) and math.isnan(v))
    except TypeError:
        return False


def values_match(name: str, extracted: Any, gold: Any) -> bool:
    """Field equality under the scoring tolerances."""
    if isinstance(gold, bool) or isinstance(extracted, bool):
        return bool(extracted) == bool(gold)
    if isinstance(gold, (int, float)) and not isinstance(gold, bool):
        try:
            e = float(extracted)
        except (TypeError, ValueError):
            return False
        tol = NUMERIC_TOLERANCE.get(name, DEFAULT_TOLERANCE)
        return abs(e - float(gold)) <= tol * abs(float(gold)) + 1e-9
    return str(extracted) == str(gold)


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    """Per-field and overall figures, plus the matching for inspection."""

    fields: dict[str, FieldScore] = field(default_factory=dict)
    gold_required: int = 0
    gold_required_matched: int = 0
    extracted: int = 0
    invented: int = 0
    matches: list[tuple[dict, dict]] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)

    @property
    def micro(self) -> FieldScore:
        total = FieldScore()
        for fs in self.fields.values():
            total.tp += fs.tp
            total.fp += fs.fp
            total.fn += fs.fn
        return total

    @property
    def study_recall(self) -> float:
        return self.gold_required_matched / self.gold_required if self.gold_required else 1.0

    def as_metadata(self) -> dict[str, float]:
        """Flat figures for asset metadata."""
        out = {
            "micro_precision": round(self.micro.precision, 4),
            "micro_recall": round(self.micro.recall, 4),
            "micro_f1": round(self.micro.f1, 4),
            "study_recall": round(self.study_recall, 4),
            "extracted": self.extracted,
            "invented": self.invented,
        }
        out.update({f"f1_{k}": round(v.f1, 4) for k, v in self.fields.items()})
        return out

    def format_report(self) -> str:
        """A printable table: per field P/R/F1 and counts, then the overall figures."""
        lines = [f"{'field':<20}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
        for name, fs in self.fields.items():
            lines.append(f"{name:<20}{fs.precision:7.3f}{fs.recall:7.3f}{fs.f1:7.3f}{fs.tp:6d}{fs.fp:6d}{fs.fn:6d}")
        m = self.micro
        lines.append(f"{'MICRO':<20}{m.precision:7.3f}{m.recall:7.3f}{m.f1:7.3f}{m.tp:6d}{m.fp:6d}{m.fn:6d}")
        lines.append(
            f"study recall {self.study_recall:.3f} ({self.gold_required_matched}/{self.gold_required} required gold); "
            f"extracted {self.extracted}, invented {self.invented}"
        )
        return "\n".join(lines)


def load_gold(gold_path: str | Path) -> list[dict]:
    """Gold studies from ``studies.jsonl`` (a file, or a folder holding it)."""
    path = Path(gold_path)
    if path.is_dir():
        path = path / "studies.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _records(extracted: Any) -> list[dict]:
    if hasattr(extracted, "to_dict"):
        extracted = extracted.to_dict(orient="records")
    return [dict(r) for r in extracted]


def _doc_key(record: Mapping, doc_of: Mapping[str, str] | None) -> str:
    for key in ("doc", "source_path"):
        if record.get(key):
            return str(record[key])
    did = str(record.get("document_id", ""))
    return doc_of.get(did, did) if doc_of else did


def _same_doc(a: str, b: str) -> bool:
    return a == b or Path(a).stem == Path(b).stem or (len(b) >= 8 and b in a) or (len(a) >= 8 and a in b)


def _match(records: list[dict], golds: list[dict]) -> dict[int, int]:
    """Maximum one-to-one matching gold -> record (Kuhn's augmenting paths), shortest evidence first."""
    norm_ev = [normalize(r.get("evidence_text") or "") for r in records]
    cands: list[list[int]] = []
    for g in golds:
        anchor = normalize(g["anchor"])
        hits = [i for i, ev in enumerate(norm_ev) if anchor and anchor in ev]
        cands.append(sorted(hits, key=lambda i: len(norm_ev[i])))
    owner: dict[int, int] = {}  # record index -> gold index

    def augment(gi: int, seen: set[int]) -> bool:
        for ri in cands[gi]:
            if ri in seen:
                continue
            seen.add(ri)
            if ri not in owner or augment(owner[ri], seen):
                owner[ri] = gi
                return True
        return False

    order = sorted(range(len(golds)), key=lambda gi: (bool(golds[gi].get("optional")), len(cands[gi])))
    for gi in order:
        augment(gi, set())
    return {gi: ri for ri, gi in owner.items()}


def _tally(fs: dict[str, FieldScore], ext: Mapping | None, gold: Mapping | None) -> None:
    for name in fact_fields():
        e = None if ext is None else ext.get(name)
        g = None if gold is None else gold.get(name)
        e_missing, g_missing = _missing(e), _missing(g)
        if not e_missing and not g_missing and values_match(name, e, g):
            fs[name].tp += 1
            continue
        if not e_missing:
            fs[name].fp += 1
        if not g_missing:
            fs[name].fn += 1


def score_studies(
    extracted: Iterable[Mapping] | Any,
    gold_path: str | Path,
    doc_of: Mapping[str, str] | None = None,
) -> Score:
    """Score extracted studies (records or a DataFrame) against the gold file.

    ``doc_of`` maps a record's ``document_id`` to the gold ``doc`` file name; without it the
    record's ``doc``/``source_path`` or the id itself is compared with the file name.
    """
    records = _records(extracted)
    golds = load_gold(gold_path)
    score = Score(fields={name: FieldScore() for name in fact_fields()}, extracted=len(records))
    docs = sorted({g["doc"] for g in golds})
    rec_docs = [_doc_key(r, doc_of) for r in records]
    used: set[int] = set()
    for doc in docs:
        gidx = [i for i, g in enumerate(golds) if g["doc"] == doc]
        ridx = [i for i, d in enumerate(rec_docs) if _same_doc(d, doc)]
        pairs = _match([records[i] for i in ridx], [golds[i] for i in gidx])
        for local_g, g_i in enumerate(gidx):
            gold = golds[g_i]
            if not gold.get("optional"):
                score.gold_required += 1
            if local_g in pairs:
                rec = records[ridx[pairs[local_g]]]
                used.add(ridx[pairs[local_g]])
                score.matches.append((rec, gold))
                if not gold.get("optional"):
                    score.gold_required_matched += 1
                _tally(score.fields, rec, gold)
            elif not gold.get("optional"):
                score.missed.append(gold)
                _tally(score.fields, None, gold)
    for i, rec in enumerate(records):
        if i not in used:
            score.invented += 1
            score.unmatched.append(rec)
            _tally(score.fields, rec, None)
    return score


def format_report(score: Score) -> str:
    """Printable report of a score (same as ``score.format_report()``)."""
    return score.format_report()


@dataclass
class RegistrationScore:
    """Registry rows found against the gold's (matched on document + trial id)."""

    gold: int = 0
    found: int = 0
    extra: int = 0
    fields_right: dict[str, int] = field(default_factory=dict)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    def format_report(self) -> str:
        parts = ", ".join(f"{k} {v}/{self.found}" for k, v in self.fields_right.items())
        return f"registrations: {self.found}/{self.gold} found, {self.extra} extra; fields right: {parts}"


REGISTRATION_FIELDS = ("status", "study_type")


def score_registrations(extracted: Iterable[Mapping], gold_path: str | Path) -> RegistrationScore:
    """Registrations (records with ``doc``) against ``registrations.jsonl``."""
    gold = {(g["doc"], g["nct_id"]): g for g in load_gold(gold_path)}
    got = {(r["doc"], r["nct_id"]): r for r in extracted}
    score = RegistrationScore(gold=len(gold), found=len(gold.keys() & got.keys()), extra=len(got.keys() - gold.keys()))
    score.fields_right = {f: sum(1 for k in gold.keys() & got.keys() if got[k].get(f) == gold[k].get(f))
                          for f in REGISTRATION_FIELDS}
    return score
