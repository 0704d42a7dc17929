"""Shared fixtures: the real seeds, the gold reference, and per-test project settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT / "tests" / "fixtures" / "gold"


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) >= 5, "the five seed articles must be in seeds/"
    return paths


@pytest.fixture(scope="session")
def seed_texts(seed_paths) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in seed_paths}


@pytest.fixture(scope="session")
def clean_docs(seed_texts):
    from mscflow.clean import clean_document

    return {name: clean_document(text) for name, text in seed_texts.items()}


@pytest.fixture
def project_env(tmp_path, monkeypatch):
    """A throwaway copy of the project data: seeds, warehouse path and Dagster home."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    monkeypatch.setenv("MSCFLOW_SEEDS", str(seeds))
    monkeypatch.setenv("MSCFLOW_WAREHOUSE", str(tmp_path / "data" / "mscflow.duckdb"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    return tmp_path


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """`make test` prints the extraction quality on the seeds, measured against the gold."""
    try:
        from mscflow.scoring import score_articles

        score = score_articles(SEEDS.glob("*.txt"), GOLD / "studies.jsonl")
    except Exception as exc:  # the summary must not hide the test result
        terminalreporter.write_line(f"extraction score unavailable: {exc}")
        return
    terminalreporter.section("extraction quality on the seeds (vs tests/fixtures/gold)")
    for line in score.format_report().splitlines():
        terminalreporter.write_line(line)
