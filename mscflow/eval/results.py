"""Score outcomes and adverse events against their gold (assets/gold/SCHEMA.md, issue 13).

Only the documents the gold file covers are scored (a ``{"doc": …, "no_records": true}`` line
covers a document with none). An extracted record belongs to the gold study its own study was
matched to by the studies scorer (``Score.matches``). It matches a gold record of that study with the same key columns
(the contract's ``aspect: key`` fields; numbers within 5 %) and the same figures (``aspect:
value``; within 2 %, null equal to null), one to one. Records of unmatched studies count
against precision; optional gold records are neither rewarded nor penalised."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..contracts import contract, fact_fields
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
    fields_right: dict[str, int] = field(default_factory=dict)  # other fact fields right, over matched records

    def format_report(self) -> str:
        s = self.score
        right = ", ".join(f"{k} {v}/{s.tp}" for k, v in self.fields_right.items())
        return (f"{self.table:<16} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  "
                f"(tp {s.tp}, fp {s.fp}, fn {s.fn})" + (f"; fields right: {right}" if right else ""))


def load_results_gold(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] if path.exists() else []


def _matches(rec: Mapping, gold: Mapping, keys: tuple[str, ...], values: tuple[str, ...]) -> bool:
    return all(_same(rec.get(k), gold.get(k), KEY_TOLERANCE) for k in keys) and all(
        _same(rec.get(v), gold.get(v), VALUE_TOLERANCE) for v in values)


def _score_one(out: ResultScore, rec: Mapping, study: tuple[str, str] | None, gold: list[dict], used: set[int],
               keys: tuple[str, ...], values: tuple[str, ...], others: list[str]) -> None:
    """Match one extracted record to an unused gold record of its study, and tally it."""
    hit = next((i for i, g in enumerate(gold) if i not in used and study == (g["doc"], g["anchor"])
                and _matches(rec, g, keys, values)), None)
    if hit is None:
        out.score.fp += 1
        out.invented.append(dict(rec))
        return
    used.add(hit)
    if not gold[hit].get("optional"):
        out.score.tp += 1
        for c in others:
            out.fields_right[c] += _same(rec.get(c), gold[hit].get(c), VALUE_TOLERANCE)


def score_results(table: str, extracted: Iterable[Mapping], studies: Score, gold: list[dict]) -> ResultScore:
    """Score ``table`` records (each with ``study_id``) against gold records keyed by doc + anchor."""
    keys, values = contract(table).columns_about("key"), contract(table).columns_about("value")
    anchor_of = {r["study_id"]: (g["doc"], g["anchor"]) for r, g in studies.matches}
    covered = {g["doc"] for g in gold}  # documents the file annotates (a no_records line covers one)
    gold = [g for g in gold if g.get("anchor")]
    others = [c for c in fact_fields(table) if c not in keys and c not in values]
    out = ResultScore(table, fields_right=dict.fromkeys(others, 0))
    used: set[int] = set()
    for rec in (r for r in extracted if r.get("doc") in covered):
        _score_one(out, rec, anchor_of.get(rec.get("study_id")), gold, used, keys, values, others)
    for i, g in enumerate(gold):
        if i not in used and not g.get("optional"):
            out.score.fn += 1
            out.missed.append(g)
    return out
