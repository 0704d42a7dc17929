"""An analyst's SQL reads the warehouse and nothing else (``mscflow sql`` is sandboxed)."""

from __future__ import annotations

import duckdb
import pytest

from mscflow.settings import Settings
from mscflow.warehouse.build import build
from mscflow.warehouse.publish import publish
from mscflow.warehouse.query import run_query

REFUSED = {
    "copy_to": "COPY (SELECT 1 AS x) TO '{tmp}/written.csv'",
    "copy_into_store": "COPY (SELECT * FROM core.studies) TO '{tmp}/data/store/studies/planted.parquet' (FORMAT parquet)",
    "read_csv": "SELECT * FROM read_csv('/etc/passwd')",
    "read_text": "SELECT * FROM read_text('/etc/passwd')",
    "read_blob": "SELECT * FROM read_blob('/etc/passwd')",
    "glob": "SELECT * FROM glob('/root/*')",
    "attach_read_write": "ATTACH '{tmp}/other.duckdb' AS other (READ_WRITE)",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "set_external_access": "SET enable_external_access = true",
    "set_other": "SET memory_limit = '1GB'",
    "export": "EXPORT DATABASE '{tmp}/export'",
    "create": "CREATE TABLE core.fabricated AS SELECT 1 AS x",
    "delete": "DELETE FROM core.studies",
}


@pytest.fixture
def published(wh_settings: Settings) -> Settings:
    publish(build(wh_settings).path, wh_settings.warehouse_path)
    return wh_settings


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_statement_that_reaches_beyond_the_warehouse_is_refused(published: Settings, case: str, tmp_path):
    before = sorted(p.name for p in published.data_dir.rglob("*"))
    with pytest.raises(duckdb.Error):
        run_query(published.warehouse_path, REFUSED[case].format(tmp=published.data_dir.parent), "csv")
    assert sorted(p.name for p in published.data_dir.rglob("*")) == before
    assert not (published.data_dir.parent / "written.csv").exists()
    assert run_query(published.warehouse_path, "SELECT count(*) AS n FROM core.studies", "json") == '[\n {\n  "n": 3\n }\n]'
