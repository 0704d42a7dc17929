"""Shared fixtures: the real seeds, the gold reference, per-test project settings, and the
synthetic warehouse data (``wh_data``, ``wh_settings``) the warehouse and Dagster tests share.

Synthetic data: two documents. A has a trial table (3 rows) and three studies (one told both
in a table row and in prose: same cluster_id); B lists two registered trials and one
reference. One file is quarantined. Small enough to recompute every mart figure by hand."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from mscflow import store
from mscflow.settings import GOLD_DIR, Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = GOLD_DIR


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


# --- synthetic warehouse data ---------------------------------------------------------------

DOC_A = hashlib.sha256(b"a").hexdigest()
DOC_B = hashlib.sha256(b"b").hexdigest()


def _doc(sha: str, name: str, text: str, **counts: int) -> dict:
    base = dict(
        document_id=sha[:16], source_path=name, sha256=sha, encoding="utf_8", encoding_confidence=1.0,
        size_bytes=len(text.encode()), script="simplified", document_shape="other", shape_evidence="", title=text.split("\n")[0], clean_text=text,
        n_chars_raw=len(text) + 10, n_chars_clean=len(text), n_pinyin_removed=0, n_html_tags=0,
        n_html_entities=0, n_chrome_lines=0, n_damaged_spans=0, n_chars_converted=0,
        n_chars_normalized=0, n_layout_repairs=0, n_blocks=3, n_sentences=2, damaged_spans="[]",
        offset_map=json.dumps([[0, 0, len(text)]]), chrome_removed="[]",
    )
    base.update(counts)
    return base


def _row(doc: str, table: int, row: int, header: list[str], cells: list[str], start: int, kind: str = "trial") -> dict:
    line = " | ".join(cells)
    return dict(document_id=doc, table_index=table, row_index=row, caption="", table_kind=kind, header=json.dumps(header, ensure_ascii=False),
                cells=json.dumps(cells, ensure_ascii=False), n_cells=len(cells), char_start=start, char_end=start + len(line))


def _study(doc: str, n: int, **fields: object) -> dict:
    base = dict(
        study_id=hashlib.sha256(f"{doc}:{n}".encode()).hexdigest()[:16], document_id=doc, kind="table_row",
        label=f"study {n}", evidence_text=f"evidence {n}", char_start=10 * n, char_end=10 * n + 9,
        raw_start=10 * n, raw_end=10 * n + 9, table_index=0, row_index=n, reference_marker=None,
        cluster_id=None, disease="knee_osteoarthritis", design="rct", phase=None, n_total=None,
        n_treatment=None, n_control=None, cell_type="msc", tissue_source="adipose", donor="autologous",
        route="intra_articular", dose_low=None, dose_high=None, dose_per_kg=None, n_administrations=None,
        follow_up_months=None, year=2019,
    )
    base.update(fields)
    if base["cluster_id"] is None:  # a study with no twin is its own cluster
        base["cluster_id"] = base["study_id"]
    return base


CLUSTER = hashlib.sha256(b"cluster-1").hexdigest()[:16]


def landing_frames() -> dict[str, dict[str, pd.DataFrame]]:
    """stage table -> partition key -> frame."""
    a, b = DOC_A[:16], DOC_B[:16]
    header = ["研究", "入组患者", "方法"]
    studies_a = [
        _study(a, 0, n_total=30, n_treatment=20, n_control=10, dose_low=1e8, dose_high=1e8, dose_per_kg=False,
               follow_up_months=12.0, cluster_id=CLUSTER),
        _study(a, 1, n_total=40, design="single_arm", tissue_source="bone_marrow", dose_low=1e7, dose_high=1e8,
               dose_per_kg=False, follow_up_months=24.0),
        _study(a, 2, kind="prose", table_index=None, row_index=None, n_total=30, cluster_id=CLUSTER,
               follow_up_months=6.0, route="intravenous", dose_low=1e6, dose_high=2e6, dose_per_kg=True),
    ]
    return {
        "documents": {
            "a.txt": pd.DataFrame([_doc(DOC_A, "a.txt", "标题A\n正文", n_pinyin_removed=5, n_html_tags=2,
                                        n_damaged_spans=1)]),
            "b.txt": pd.DataFrame([_doc(DOC_B, "b.txt", "标题B\n正文", n_chrome_lines=3)]),
            "bad.bin": pd.DataFrame(),
        },
        "quarantine": {
            "a.txt": pd.DataFrame(), "b.txt": pd.DataFrame(),
            "bad.bin": pd.DataFrame([dict(source_path="bad.bin", sha256="c" * 64, stage="raw_documents",
                                          reason="binary_file", detail="NUL bytes")]),
        },
        "table_rows": {
            "a.txt": pd.DataFrame([_row(a, 0, i, header, [f"s{i}", "30", "x"], 100 + 20 * i) for i in range(3)]),
            "b.txt": pd.DataFrame([_row(b, 0, i, ["研究标题", "NCT 编号"], [f"t{i}", f"NCT0000000{i}"], 50 + 30 * i, "registry")
                                   for i in range(2)]),
        },
        "studies": {"a.txt": pd.DataFrame(studies_a), "b.txt": pd.DataFrame()},
        "registrations": {
            "a.txt": pd.DataFrame(),
            "b.txt": pd.DataFrame([
                dict(nct_id="NCT00000000", registry="clinicaltrials_gov", document_id=b, row_number=1, title="t0", status="unknown",
                     conditions="肝硬化", interventions="生物:脐带间充质干细胞 药品:保守治疗", sponsor="青岛大学",
                     study_type="interventional", evidence_text="row 1", char_start=50, char_end=70),
                dict(nct_id="NCT00000001", registry="clinicaltrials_gov", document_id=b, row_number=2, title="t1", status="completed",
                     conditions="肝硬化", interventions="生物:脂肪干细胞", sponsor="青岛大学",
                     study_type="interventional", evidence_text="row 2", char_start=80, char_end=100),
            ]),
        },
        "references": {
            "a.txt": pd.DataFrame(),
            "b.txt": pd.DataFrame([dict(reference_id="f" * 16, document_id=b, marker="1", authors="Park YB",
                                        title="MSC", journal="J", year=2020, doi=None, pmid=None,
                                        evidence_text="[1] Park YB", char_start=0, char_end=10)]),
        },
    }


def write_store(store_dir: Path, frames: dict[str, dict[str, pd.DataFrame]] | None = None) -> None:
    for table, parts in (frames or landing_frames()).items():
        for key, frame in parts.items():
            store.write_frame(store_dir, table, key, frame)


CORE_TABLES = ("documents", "quarantine", "table_rows", "studies", "study_values", "registrations", "references")


def require_contracts() -> None:
    """Every core table has its contract (the source of its column comments)."""
    from mscflow.contracts import CONTRACTS

    missing = [t for t in CORE_TABLES if t not in CONTRACTS]
    assert not missing, f"contract(s) missing: {', '.join(f'mscflow.contracts.{t}' for t in missing)}"


def table_digest(path: Path, schemas: tuple[str, ...] = ("core", "marts")) -> dict[str, str]:
    """sha256 of every table's rows in stored order: equal digests = identical contents."""
    from mscflow.warehouse.build import connect
    from mscflow.warehouse.models import quote_relation

    out = {}
    with connect(path, read_only=True) as con:
        names = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE schema_name IN "
            f"({', '.join('?' for _ in schemas)}) ORDER BY 1", list(schemas)).fetchall()
        for (rel,) in names:
            rows = con.execute(f"SELECT * FROM {quote_relation(rel)}").fetchall()
            out[rel] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


@pytest.fixture(scope="session")
def wh_data() -> SimpleNamespace:
    """The synthetic warehouse data and its helpers."""
    return SimpleNamespace(DOC_A=DOC_A, DOC_B=DOC_B, CLUSTER=CLUSTER, CORE_TABLES=CORE_TABLES,
                           landing_frames=landing_frames, write_store=write_store,
                           require_contracts=require_contracts, table_digest=table_digest)


@pytest.fixture
def wh_settings(tmp_path: Path) -> Settings:
    """Settings for a self-contained temporary warehouse with the synthetic store written."""
    settings = Settings(seeds_dir=tmp_path / "seeds", warehouse_path=tmp_path / "data" / "mscflow.duckdb")
    write_store(settings.store_dir)
    return settings


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """`make test` prints the extraction quality on the seeds, measured against the gold on
    the assets' own path (``mscflow.eval``)."""
    try:
        from mscflow.eval import SEED_GOLD, score_files

        score = score_files(SEEDS.glob("*.txt"), SEED_GOLD)
    except Exception as exc:  # the summary must not hide the test result
        terminalreporter.write_line(f"extraction score unavailable: {exc}")
        return
    terminalreporter.section("extraction quality on the seeds (vs assets/gold)")
    for line in score.format_report().splitlines():
        terminalreporter.write_line(line)
