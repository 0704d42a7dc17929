"""The published file is what analysts open: core, marts and the dictionary only, readable by a
DuckDB 1.x client (the build itself runs on DuckDB 2.0).

The 1.x client lives in its own virtualenv, ``.venv-duckdb1/`` in the project (created from
PyPI on first use, then reused; ``make duckdb1`` creates it too)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from mscflow.contracts import WAREHOUSE_TABLES
from mscflow.settings import PROJECT_ROOT, Settings
from mscflow.warehouse.build import build
from mscflow.warehouse.publish import publish

DUCKDB1 = "duckdb==1.1.3"  # an old 1.x: what DBeaver's driver or R's duckdb often still are
VENV = PROJECT_ROOT / ".venv-duckdb1"

READ_ALL = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY 1, 2").fetchall()
out = {"version": duckdb.__version__, "tables": {}}
for schema, table in tables:
    rows = con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()
    out["tables"][f"{schema}.{table}"] = [len(rows), repr(sorted(map(repr, rows)))[:2000]]
out["comments"] = con.execute("SELECT count(*) FROM duckdb_columns() WHERE comment IS NOT NULL").fetchone()[0]
print(json.dumps(out))
"""


def duckdb1_python() -> Path:
    """The 1.x client's interpreter; the virtualenv is made (once) when missing."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True, timeout=300)
    probe = subprocess.run([str(python), "-c", "import duckdb; print(duckdb.__version__)"],
                           capture_output=True, text=True)
    if probe.returncode != 0 or probe.stdout.strip() != DUCKDB1.split("==")[1]:
        install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", DUCKDB1],
                                 capture_output=True, text=True, timeout=600)
        if install.returncode != 0:
            pytest.fail(f"could not install {DUCKDB1} into {VENV}: {install.stderr[-1000:]}")
    return python


@pytest.fixture
def published(wh_settings: Settings) -> Path:
    publish(build(wh_settings).path, wh_settings.warehouse_path)
    return wh_settings.warehouse_path


def test_a_duckdb_1x_client_reads_every_core_table_and_mart(published: Path):
    out = subprocess.run([str(duckdb1_python()), "-c", READ_ALL, str(published)], capture_output=True,
                         text=True, timeout=300, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout)
    assert seen["version"].startswith("1.")
    with duckdb.connect(str(published), read_only=True) as con:  # the build's own client, 2.0
        expected = {f"{s}.{t}": con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchone()[0]
                    for s, t in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()}
        comments = con.execute("SELECT count(*) FROM duckdb_columns() WHERE comment IS NOT NULL").fetchone()[0]
    core_and_marts = {r for r in expected if r.split(".")[0] in ("core", "marts")}
    assert len(core_and_marts) == 18 and core_and_marts <= set(seen["tables"])
    assert {r: n for r, (n, _) in seen["tables"].items()} == expected
    assert seen["tables"]["core.studies"][0] == 3 and seen["comments"] == comments > 0


def test_only_core_marts_and_the_dictionary_are_published(published: Path, wh_settings: Settings):
    with duckdb.connect(str(published), read_only=True) as con:
        schemas = {s for (s,) in con.execute("SELECT DISTINCT schema_name FROM duckdb_tables()").fetchall()}
        views = con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone()[0]
        version = con.execute("SELECT tags['storage_version'] FROM duckdb_databases() "
                              "WHERE database_name = current_database()").fetchone()[0]
        coded = dict(con.execute("SELECT column_name, vocabulary FROM dictionary.columns "
                                 "WHERE table_name = 'studies' AND vocabulary IS NOT NULL").fetchall())
        labels = dict(con.execute("SELECT code, label FROM dictionary.codes WHERE vocabulary = 'design'").fetchall())
        rows = dict(con.execute("SELECT schema_name || '.' || table_name, n_rows FROM dictionary.tables").fetchall())
    assert schemas == {"core", "marts", "dictionary"} and views == 0
    assert version is None or version.startswith("v1.")
    assert coded["disease"] == "disease" and coded["route"] == "route"
    assert labels["animal"] == "Animal study"
    assert rows["core.studies"] == 3
    with duckdb.connect(str(build(wh_settings).path), read_only=True) as con:  # landing stays in the build
        landed = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'landing'").fetchone()[0]
        assert landed == len(WAREHOUSE_TABLES)
