"""End to end on a temporary copy of the project data: real Dagster runs, real DuckDB files.

One build is shared by the module (in-process, through the same code path as `mscflow build`);
the refresh scenario then drives the real CLI in subprocesses."""

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

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = {
    "core.documents", "core.quarantine", "core.studies", "core.registrations", "core.table_rows",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Seeds plus an empty, a binary and an oversized file; one full build."""
    root = tmp_path_factory.mktemp("e2e")
    seeds = root / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    (seeds / "x_empty.txt").write_bytes(b"")
    (seeds / "y_binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 300)
    (seeds / "z_large.txt").write_bytes(("长文。" * 20000).encode())
    # an editor's swap file of the first seed, sorting before it: skipped, never its "twin"
    first = sorted(seeds.glob("*.txt"))[0]
    (seeds / f".{first.name}.swp").write_bytes(first.read_bytes())
    env = {
        **os.environ,
        "MSCFLOW_SEEDS": str(seeds),
        "MSCFLOW_WAREHOUSE": str(root / "data" / "mscflow.duckdb"),
        "MSCFLOW_MAX_FILE_BYTES": "100000",
        "DAGSTER_HOME": str(root / "dagster_home"),
    }
    out = cli(env, "build", "--json")
    return root, env, json.loads(out.stdout)


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, "-m", "mscflow.cli", *args], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    return out


def query(env: dict, sql: str) -> list[tuple]:
    with duckdb.connect(env["MSCFLOW_WAREHOUSE"], read_only=True) as con:
        return con.execute(sql).fetchall()


def table_digest(env: dict, table: str, where: str = "") -> str:
    rows = query(env, f"SELECT * FROM {table} {where} ORDER BY ALL")
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_build_publishes_the_contract_and_quarantines_bad_files(built):
    _, env, summary = built
    assert summary["published"] is True and not summary["failures"]
    tables = {f"{s}.{t}" for s, t in query(env, "SELECT table_schema, table_name FROM information_schema.tables")}
    assert tables >= CONTRACT
    assert query(env, "SELECT count(*) FROM core.documents")[0][0] == 5
    reasons = dict(query(env, "SELECT source_path, reason FROM core.quarantine"))
    assert reasons == {"x_empty.txt": "empty_file", "y_binary.txt": "binary_file", "z_large.txt": "too_large"}
    assert summary["skipped"] == {".000_aa6cdcf6a1fedf25.txt.swp": "hidden_file"}  # and the summary says so
    report = Path(summary["report"])  # the evidence report, written by the build
    assert report.exists() and report.read_text(encoding="utf-8").count("<svg") == 8  # with the safety chart
    assert summary["not_published"] is None


def test_marts_are_non_empty_commented_and_agree_with_core(built):
    _, env, _ = built
    for mart in ("evidence_by_disease", "cell_source_by_disease", "dose_by_route", "registry_status", "document_quality"):
        assert query(env, f"SELECT count(*) FROM marts.{mart}")[0][0] > 0, mart
    uncommented = query(env, """
        SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns()
        WHERE schema_name IN ('core', 'marts') AND (comment IS NULL OR comment = '')""")
    assert uncommented == []
    # recompute by hand from core: distinct studies and RCTs per disease, clusters counted once
    by_hand = dict((d, (n, r)) for d, n, r in query(env, """
        SELECT coalesce(disease, 'unstated'), count(DISTINCT cluster_id),
               count(DISTINCT cluster_id) FILTER (WHERE design = 'rct')
        FROM core.studies WHERE is_human GROUP BY 1"""))
    # the seeds' one animal study (MRL/lpr mice) is in core, flagged, and in no human-evidence mart
    assert query(env, "SELECT count(*) FROM core.studies WHERE design = 'animal' AND NOT is_human")[0][0] >= 1
    assert query(env, "SELECT count(*) FROM marts.human_studies WHERE design = 'animal'")[0][0] == 0
    weak = query(env, "SELECT study_label FROM marts.human_studies WHERE study_label IN "
                      "('法国', '韩国', '有研究显示', '有报道', '据报道', '医院报道', '医院开展')")
    assert weak == []
    mart = {d: (n, r) for d, n, r in query(env, "SELECT disease, n_distinct_studies, n_rct FROM marts.evidence_by_disease")}
    assert mart == by_hand
    registrations = query(env, "SELECT count(*) FROM core.registrations")[0][0]
    assert query(env, "SELECT count(DISTINCT nct_id) FROM core.registrations")[0][0] == registrations == 37
    quality = dict(query(env, "SELECT source_path, n_studies FROM marts.document_quality"))
    core_counts = dict(query(env, "SELECT d.source_path, count(s.study_id) FROM core.documents d "
                                  "LEFT JOIN core.studies s USING (document_id) GROUP BY 1"))
    assert quality == core_counts


def test_studies_link_to_their_reference_entries(built):
    _, env, _ = built
    linked = query(env, """
        SELECT s.reference_marker, r.marker, r.year FROM core.studies s
        JOIN core."references" r USING (reference_id) WHERE s.document_id = r.document_id""")
    assert len(linked) >= 5
    for marker, ref_marker, _ in linked:
        assert int("".join(ch for ch in marker if ch.isdigit())) == int(ref_marker)


def test_cli_runs_are_in_the_dagster_instance(built):
    _, env, summary = built
    import dagster as dg

    old = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = env["DAGSTER_HOME"]
    try:
        with dg.DagsterInstance.get() as instance:
            runs = instance.get_runs()
            assert {r.run_id for r in runs} >= set(summary["dagster_runs"])
    finally:
        if old is None:
            os.environ.pop("DAGSTER_HOME")
        else:
            os.environ["DAGSTER_HOME"] = old


def test_registrations_match_the_gold(built):
    _, env, _ = built
    gold = [json.loads(line) for line in (ROOT / "assets/gold/registrations.jsonl").read_text().splitlines() if line.strip()]
    rows = {r[0]: r[1:] for r in query(env, "SELECT nct_id, status, study_type, title, sponsor FROM core.registrations")}
    assert len(rows) == len(gold) == 37
    squash = lambda s: "".join((s or "").split())  # noqa: E731
    for g in gold:
        status, study_type, title, sponsor = rows[g["nct_id"]]
        assert (status, study_type) == (g["status"], g["study_type"]), g["nct_id"]
        assert squash(title) == squash(g["title"]) and squash(sponsor) == squash(g["sponsor"]), g["nct_id"]


def test_sql_command_reads_the_published_file(built):
    _, env, _ = built
    out = cli(env, "sql", "SELECT count(*) AS n FROM core.documents", "--format", "json")
    assert json.loads(out.stdout) == [{"n": 5}]


def test_refresh_processes_only_what_changed(built):
    root, env, _ = built
    seeds = root / "seeds"
    before = {t: table_digest(env, t) for t in ("core.studies", "core.table_rows", "core.registrations")}
    wh = Path(env["MSCFLOW_WAREHOUSE"])
    stamp = wh.stat().st_mtime_ns

    # no change: nothing rebuilt, nothing published
    out = json.loads(cli(env, "refresh", "--json").stdout)
    assert out["documents_processed"] == [] and out["published"] is False
    assert wh.stat().st_mtime_ns == stamp
    assert not heavy_imports_of_a_refresh(env) & {"dagster", "pandas", "pandera", "great_expectations"}

    # change one seed: one document processed, only its rows may differ
    target = seeds / "001_f265937341a56d21.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("875名", "876名"), encoding="utf-8")
    out = json.loads(cli(env, "refresh", "--json").stdout)
    assert out["changed"] == [target.name] and out["documents_processed"] == [target.name]
    assert out["published"] is True
    doc_id = query(env, f"SELECT document_id FROM core.documents WHERE source_path = '{target.name}'")[0][0]
    others = f"WHERE document_id <> '{doc_id}'"
    assert table_digest(env, "core.table_rows") == before["core.table_rows"]
    assert table_digest(env, "core.registrations") == before["core.registrations"]
    assert query(env, f"SELECT count(*) FROM core.studies {others}")[0][0] > 0
    assert query(env, "SELECT count(*) FROM core.documents")[0][0] == 5

    # remove a seed: its rows are gone everywhere
    gone = seeds / "003_76ec61e83f750a5e.txt"
    gone_id = query(env, f"SELECT document_id FROM core.documents WHERE source_path = '{gone.name}'")[0][0]
    gone.unlink()
    out = json.loads(cli(env, "refresh", "--json").stdout)
    assert out["removed"] == [gone.name] and out["published"] is True
    for table in ("core.documents", "core.studies", "core.registrations", "core.table_rows"):
        assert query(env, f"SELECT count(*) FROM {table} WHERE document_id = '{gone_id}'")[0][0] == 0, table

    # repeated refreshes never duplicate rows
    n_studies = query(env, "SELECT count(*) FROM core.studies")[0][0]
    cli(env, "refresh", "--json")
    assert query(env, "SELECT count(*) FROM core.studies")[0][0] == n_studies
    assert query(env, "SELECT count(*) - count(DISTINCT study_id) FROM core.studies")[0][0] == 0


def heavy_imports_of_a_refresh(env: dict) -> set[str]:
    """The top-level packages a refresh imports (Python's own ``-X importtime`` list): one
    with nothing to do decides without Dagster, pandas, pandera or GX (cli/refresh.py)."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "mscflow.cli", "refresh"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "nothing new to publish" in out.stdout
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in out.stderr.splitlines() if line.startswith("import time:")}


def test_sql_typo_and_refused_statement_are_one_line_errors(built):
    _, env, _ = built
    for sql in ("SELEC count(*) FROM core.documents", "COPY core.studies TO '/tmp/mscflow_leak.csv'"):
        out = subprocess.run([sys.executable, "-m", "mscflow.cli", "sql", sql], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 1 and "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and out.stderr.startswith("mscflow sql: ")
    assert not Path("/tmp/mscflow_leak.csv").exists()
