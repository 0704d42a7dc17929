"""The shipped cluster configuration (deploy/cluster) is valid for this code location."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml

from mscflow.cli.runner import load_project_defs

CLUSTER = Path(__file__).resolve().parents[2] / "deploy" / "cluster"


def test_the_cluster_run_config_names_a_dask_scheduler_for_the_document_jobs():
    run_config = yaml.safe_load((CLUSTER / "run_config.yaml").read_text(encoding="utf-8"))
    defs = load_project_defs()
    for job in ("documents_job", "refresh_job"):
        result = dg.validate_run_config(defs.resolve_job_def(job), run_config)
        assert result["resources"]["mscflow"]["config"]["dask_scheduler"].startswith("tcp://")


def test_the_cluster_instance_keeps_runs_and_events_in_postgres():
    from dagster._core.instance.config import dagster_instance_config

    config, _ = dagster_instance_config(str(CLUSTER), "dagster.yaml")
    assert "postgres" in config["storage"]
    import dagster_postgres  # noqa: F401 - the storage it names is installed (requirements.lock)
