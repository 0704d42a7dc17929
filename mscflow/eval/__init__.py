"""Evaluation: the scorer against hand-made gold, the corpus runner (the assets' own path),
and the bench. The seed gold lives in ``assets/gold`` so product code never reads ``tests/``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..settings import GOLD_DIR
from .corpus import Corpus, process_files
from .results import ResultScore, load_results_gold, score_results
from .scoring import RegistrationScore, Score, load_gold, score_registrations, score_studies

SEED_GOLD = GOLD_DIR / "studies.jsonl"
SEED_REGISTRATIONS_GOLD = GOLD_DIR / "registrations.jsonl"


def score_files(paths: Iterable[Path], gold_path: str | Path) -> Score:
    """Score the files a gold file annotates (other files are ignored), run the assets' way."""
    docs = {g["doc"] for g in load_gold(gold_path)}
    corpus = process_files(p for p in paths if p.name in docs)
    return score_studies(corpus.records("studies"), gold_path)


RESULT_TABLES = ("outcomes", "adverse_events")


@dataclass
class Evaluation:
    """``mscflow eval``'s figures: studies, registrations (when gold has them), result tables."""

    studies: Score
    registrations: RegistrationScore | None
    results: dict[str, ResultScore] = field(default_factory=dict)


def evaluate(docs_dir: Path, gold_dir: Path) -> Evaluation:
    """``mscflow eval DOCS GOLD``: every file of ``docs_dir`` through the assets' path, scored
    against ``gold_dir/studies.jsonl`` (and ``registrations.jsonl``, ``outcomes.jsonl``,
    ``adverse_events.jsonl`` when there are)."""
    from ..ingest import list_seed_files

    corpus = process_files(list_seed_files(docs_dir))
    studies = score_studies(corpus.records("studies"), gold_dir / "studies.jsonl")
    regs_gold = gold_dir / "registrations.jsonl"
    regs = score_registrations(corpus.records("registrations"), regs_gold) if regs_gold.exists() else None
    results = {t: score_results(t, corpus.records(t), studies, load_results_gold(gold_dir / f"{t}.jsonl"))
               for t in RESULT_TABLES if (gold_dir / f"{t}.jsonl").exists()}
    return Evaluation(studies, regs, results)


def evaluate_folder(docs_dir: Path, gold_dir: Path) -> tuple[Score, RegistrationScore | None]:
    """Studies and registrations of ``mscflow eval`` (see ``evaluate``)."""
    ev = evaluate(docs_dir, gold_dir)
    return ev.studies, ev.registrations


__all__ = ["evaluate", "evaluate_folder", "Evaluation", "ResultScore", "score_results", "score_registrations", "SEED_GOLD", "SEED_REGISTRATIONS_GOLD", "Corpus", "Score", "load_gold", "process_files",
           "score_files", "score_studies"]
