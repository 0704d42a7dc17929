"""77 hostile entries beside the five seeds, through the real CLI on real DuckDB files: every
entry is processed, quarantined or skipped with a named reason; nothing crashes; the seeds'
rows are those of a build without the hostile entries; copies are linked, never counted twice,
and re-decided when their original goes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from hostile import CASES, DOCUMENT, S1, S4, write_corpus

from mscflow.ingest.files import display_name

ROOT = Path(__file__).resolve().parents[2]
SEED_TABLES = ("core.table_rows", "core.studies", "core.study_values", "core.registrations", "core.references")
LIMITS = {"MSCFLOW_MAX_FILE_BYTES": "8000000", "MSCFLOW_DOCUMENT_TIMEOUT": "45"}


def project(root: Path) -> dict[str, str]:
    return {**os.environ, **LIMITS, "MSCFLOW_SEEDS": str(root / "seeds"),
            "MSCFLOW_WAREHOUSE": str(root / "data" / "mscflow.duckdb"), "DAGSTER_HOME": str(root / "dagster_home")}


def cli(env: dict[str, str], *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mscflow.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def build(root: Path) -> tuple[dict[str, str], dict]:
    env = project(root)
    out = cli(env, "build", "--json")
    assert out.returncode == 0, out.stderr[-3000:]
    assert "Traceback" not in out.stderr
    return env, json.loads(out.stdout)


def rows(env: dict[str, str], sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(env["MSCFLOW_WAREHOUSE"], read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def seed_digest(env: dict[str, str], seeds: list[str]) -> dict[str, str]:
    """sha256 of the seed documents' rows in every per-document core table."""
    marks = ", ".join("?" for _ in seeds)
    ids = f"SELECT document_id FROM core.documents WHERE source_path IN ({marks})"
    out = {"core.documents": rows(env, f"SELECT * FROM core.documents WHERE source_path IN ({marks}) ORDER BY ALL", seeds)}
    for table in SEED_TABLES:
        out[table] = rows(env, f"SELECT * FROM {table} WHERE document_id IN ({ids}) ORDER BY ALL", seeds)
    return {t: hashlib.sha256(repr(r).encode()).hexdigest() for t, r in out.items()}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """One build of the seeds with every hostile entry beside them, one of the seeds alone."""
    alone = tmp_path_factory.mktemp("seeds_alone")
    shutil.copytree(ROOT / "seeds", alone / "seeds")
    alone_env, _ = build(alone)
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "seeds", root / "seeds")
    seeds = sorted(p.name for p in (root / "seeds").iterdir())
    write_corpus(root / "seeds", {n: (root / "seeds" / n).read_bytes() for n in seeds})
    env, summary = build(root)
    documents = {n for (n,) in rows(env, "SELECT source_path FROM core.documents")}
    quarantine = {n: (r, d) for n, r, d in rows(env, "SELECT source_path, reason, detail FROM core.quarantine")}
    return dict(root=root, env=env, summary=summary, seeds=seeds, alone_env=alone_env,
                documents=documents, quarantine=quarantine)


def outcome(hostile: dict, name: str) -> str:
    name = display_name(name)
    if name in hostile["documents"]:
        return DOCUMENT
    if name in hostile["quarantine"]:
        return hostile["quarantine"][name][0]
    return hostile["summary"]["skipped"].get(name, "not accounted for")


def test_the_corpus_is_hostile_enough():
    assert len(CASES) >= 50
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[ascii(c.name)[1:-1][:60] for c in CASES])
def test_each_entry_is_processed_quarantined_or_skipped_as_expected(hostile, case):
    expected = case.expect if isinstance(case.expect, tuple) else (case.expect,)
    got = outcome(hostile, case.name)
    assert got in expected, f"{case.name!r}: {got} ({hostile['quarantine'].get(display_name(case.name), ('', ''))[1]})"


def test_the_build_publishes_and_accounts_for_every_entry(hostile):
    summary = hostile["summary"]
    assert summary["published"] is True and summary["failures"] == []
    entries = [display_name(os.fsdecode(p.name)) for p in os.scandir(os.fsencode(hostile["root"] / "seeds"))]
    accounted = hostile["documents"] | set(hostile["quarantine"]) | set(summary["skipped"])
    assert sorted(entries) == sorted(accounted)  # 100 %: no entry unnamed, nothing named twice
    assert not hostile["documents"] & set(hostile["quarantine"])
    assert all(detail for _, detail in hostile["quarantine"].values())  # every quarantine says why


def test_the_seeds_rows_are_those_of_a_build_without_the_hostile_entries(hostile):
    seeds = hostile["seeds"]
    assert seed_digest(hostile["env"], seeds) == seed_digest(hostile["alone_env"], seeds)
    count = "SELECT count(*) FROM core.studies s JOIN core.documents d USING (document_id) WHERE d.source_path IN (SELECT unnest(?))"
    assert rows(hostile["env"], count, [seeds]) == rows(hostile["alone_env"], count, [seeds]) and rows(hostile["env"], count, [seeds])[0][0] > 50


def test_copies_name_their_original_and_are_not_counted(hostile):
    quarantine = hostile["quarantine"]
    assert quarantine[S4.replace(".txt", "_cr.txt")] == (
        "near_duplicate", f"same clean text as {S4} (read as utf_8); linked to it, not counted twice")
    assert quarantine[S1.replace(".txt", "(1).txt")] == ("duplicate_content", f"same sha256 as {S1}")
    # no clean text is published twice
    assert rows(hostile["env"], "SELECT count(*) - count(DISTINCT regexp_replace(clean_text, '\\s+', '', 'g')) "
                "FROM core.documents")[0][0] == 0


def test_removing_an_original_publishes_its_copy_at_the_next_refresh(hostile, tmp_path):
    root = tmp_path / "again"
    shutil.copytree(hostile["root"], root, symlinks=True, ignore=shutil.ignore_patterns("fifo.txt", "socket.sock"))
    env = project(root)
    before = rows(env, "SELECT count(*) FROM core.studies")[0][0]
    (root / "seeds" / S1).unlink()
    (root / "seeds" / S4).unlink()
    out = cli(env, "refresh", "--json")
    assert out.returncode == 0, out.stderr[-3000:]
    summary = json.loads(out.stdout)
    assert summary["published"] is True and summary["removed"] == [S1, S4]
    assert S1.replace(".txt", "(1).txt") in summary["changed"]  # its twin is decided again
    documents = {n for (n,) in rows(env, "SELECT source_path FROM core.documents")}
    assert S4.replace(".txt", "_cr.txt") in documents
    s1_copies = {S1.replace(".txt", "(1).txt"), S1.replace(".txt", "_utf16.txt")}
    assert len(documents & s1_copies) == 1  # one of the two copies stands for the article again
    assert rows(env, "SELECT count(*) FROM core.studies")[0][0] == before  # the same studies, once
