"""Beyond one machine: a real Dask cluster (a scheduler and two worker processes on loopback)
cleans and extracts the documents of a `mscflow build`, and the published warehouse holds
exactly the rows of a build that ran everything in its own process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mscflow.eval.bench import table_hashes
from mscflow.eval.synthetic import write_corpus
from mscflow.settings import child_environment

ROOT = Path(__file__).resolve().parents[2]


def _build(root: Path, seeds: Path, **env: str) -> dict:
    warehouse = root / "data" / "mscflow.duckdb"
    out = subprocess.run(
        [sys.executable, "-m", "mscflow.cli", "build"],
        env=child_environment(MSCFLOW_SEEDS=str(seeds), MSCFLOW_WAREHOUSE=str(warehouse),
                              DAGSTER_HOME=str(root / "dagster"), **env),
        capture_output=True, text=True, timeout=900,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return table_hashes(warehouse)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, protocol="tcp") as local:
        yield local


def test_a_dask_cluster_builds_the_rows_of_a_local_build(tmp_path, cluster):
    seeds = tmp_path / "seeds"
    write_corpus(ROOT / "seeds", seeds, 24)
    local = _build(tmp_path / "local", seeds, MSCFLOW_WORKERS="1")
    from distributed import Client

    with Client(cluster.scheduler_address) as client:
        before = client.run_on_scheduler(_transitions)
        remote = _build(tmp_path / "cluster", seeds, MSCFLOW_DASK_SCHEDULER=cluster.scheduler_address)
        after = client.run_on_scheduler(_transitions)
    assert remote == local
    assert local["core.documents"][0] == 24 and local["core.studies"][0] > 100
    assert after > before  # the cluster did the work: its scheduler moved the chunks' tasks


def _transitions(dask_scheduler) -> int:
    return dask_scheduler.transition_counter
