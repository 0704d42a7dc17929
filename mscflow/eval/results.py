"""Score outcomes and adverse events against their gold (assets/gold/SCHEMA.md, issue 13).

An extracted record belongs to the gold study its own study was matched to by the studies
scorer (``Score.matches``). It matches a gold record of that study with the same key columns
(the contract's ``aspect: key`` fields; numbers within 5 %) and the same figures (``aspect:
value``; within 2 %, null equal to null), one to one. Records of unmatched studies count
against precision; optional gold records are neither rewarded nor penalised."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..contracts import contract
from .scoring import FieldScore, Score, _missing

KEY_TOLERANCE = 0.05
VALUE_TOLERANCE = 0.02


def _same(a: Any, b: Any, tol: float) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    if isinstance(b, bool) or isinstance(a, bool):
        return bool(a) == bool(b)
    if isinstance(b, (int, float)):
        try:
            return abs(float(a) - float(b)) <= tol * abs(float(b)) + 1e-9
        except (TypeError, ValueError):
            return False
    return str(a) == str(b)


@dataclass
class ResultScore:
    """Record-level precision/recall of one results table, and what did not match."""

    table: str
    score: FieldScore = field(default_factory=FieldScore)
    missed: list[dict] = field(default_factory=list)
    invented: list[dict] = field(default_factory=list)

    def format_report(self) -> str:
        s = self.score
        return (f"{self.table:<16} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  "
                f"(tp {s.tp}, fp {s.fp}, fn {s.fn})")


def load_results_gold(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] if path.exists() else []


def _matches(rec: Mapping, gold: Mapping, keys: tuple[str, ...], values: tuple[str, ...]) -> bool:
    return all(_same(rec.get(k), gold.get(k), KEY_TOLERANCE) for k in keys) and all(
        _same(rec.get(v), gold.get(v), VALUE_TOLERANCE) for v in values)


def score_results(table: str, extracted: Iterable[Mapping], studies: Score, gold: list[dict]) -> ResultScore:
    """Score ``table`` records (each with ``study_id``) against gold records keyed by doc + anchor."""
    keys, values = contract(table).columns_about("key"), contract(table).columns_about("value")
    anchor_of = {r["study_id"]: (g["doc"], g["anchor"]) for r, g in studies.matches}
    out = ResultScore(table)
    pool = list(enumerate(gold))
    used: set[int] = set()
    for rec in extracted:
        study = anchor_of.get(rec.get("study_id"))
        hit = next((i for i, g in pool if i not in used and study == (g["doc"], g["anchor"])
                    and _matches(rec, g, keys, values)), None)
        if hit is None:
            out.score.fp += 1
            out.invented.append(dict(rec))
        else:
            used.add(hit)
            if not gold[hit].get("optional"):
                out.score.tp += 1
    for i, g in pool:
        if i not in used and not g.get("optional"):
            out.score.fn += 1
            out.missed.append(g)
    return out
