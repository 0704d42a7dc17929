"""What runs by itself: named jobs, each in one process, document steps retried, and the
warehouse followed once after a document run (never after the CLI's runs, which build it)."""

from __future__ import annotations

import dagster as dg
import pytest

from mscflow.definitions import defs as load_defs
from mscflow.defs import automation


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return load_defs()


def test_jobs_are_named_in_process_and_document_steps_retry(defs):
    for name in ("documents_job", "warehouse_job", "refresh_job"):
        job = defs.resolve_job_def(name)
        assert job.executor_def.name == dg.in_process_executor.name, name
    for name in ("documents_job", "refresh_job"):
        retry = defs.resolve_job_def(name).op_retry_policy
        assert retry is not None and retry.max_retries >= 1
    refresh = defs.resolve_job_def("refresh_job").asset_layer.selected_asset_keys
    assert dg.AssetKey("published_warehouse") in refresh and dg.AssetKey("studies") in refresh
    assert dg.AssetKey("evidence_report") in defs.resolve_job_def("warehouse_job").asset_layer.selected_asset_keys


def _context(instance, job_name: str, tags: dict[str, str], defs: dg.Definitions):
    import uuid

    run = dg.DagsterRun(job_name=job_name, run_id=str(uuid.uuid4()), tags=tags)
    event = dg.DagsterEvent(event_type_value="PIPELINE_SUCCESS", job_name=job_name)
    return dg.build_run_status_sensor_context(sensor_name="warehouse_after_documents", dagster_instance=instance,
                                              dagster_run=run, dagster_event=event,
                                              repository_def=defs.get_repository_def())


@pytest.mark.parametrize(("job", "tags", "follows"), [
    ("documents_job", {"mscflow/trigger": "ui"}, True),
    ("documents_job", {"mscflow/trigger": "cli"}, False),   # the CLI built the warehouse itself
    ("refresh_job", {"mscflow/trigger": "seed_sensor"}, False),  # holds the warehouse already
    ("warehouse_job", {}, False),
])
def test_the_warehouse_follows_document_runs_once(defs, job, tags, follows):
    with dg.instance_for_test() as instance:
        context = _context(instance, job, tags, defs)
        result = automation.warehouse_after_documents(context)
    assert isinstance(result, dg.RunRequest) is follows, result
