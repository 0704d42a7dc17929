"""Refreshes that run by themselves: a sensor on seeds/, a daily safety-net schedule, and
the jobs they launch. The warehouse follows document runs: when a run that materialized the
document assets succeeds, ``warehouse_after_documents`` requests one ``warehouse_job`` run
(not for the CLI's runs: the CLI builds the warehouse itself, so there is never a second one).

Both jobs run in one process (``in_process_executor``): a warehouse rebuild is a few seconds of
DuckDB and Great Expectations work, and a subprocess per step would cost more than the work."""

import hashlib
import json

import dagster as dg

from mscflow import store
from mscflow.ingest import diff_seeds, scan_seeds
from mscflow.settings import load_settings

from .partitions import (
    RANGE_END,
    RANGE_START,
    apply_seed_changes,
    document_run_tags,
    seed_documents,
)
from .resources import MscflowConfig

SETTINGS = load_settings()  # intervals and cron are fixed when the definitions load

DOCUMENT_GROUPS = ("ingest", "extract")

DOCUMENTS = dg.AssetSelection.groups(*DOCUMENT_GROUPS)
# a failed document step (a file changing under the reader, a full disk freed) is tried again
DOCUMENT_RETRY = dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL)

documents_job = dg.define_asset_job(
    "documents_job",
    selection=DOCUMENTS,
    executor_def=dg.in_process_executor,
    op_retry_policy=DOCUMENT_RETRY,
    description="Ingest, clean and extract the selected seed documents (one run per batch; a failed "
    "step is retried twice).",
)
warehouse_job = dg.define_asset_job(
    "warehouse_job",
    selection=dg.AssetSelection.all() - DOCUMENTS,
    executor_def=dg.in_process_executor,
    description="Land the store, build the SQL models, run the quality gate, publish, draw the evidence report.",
)


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    request_job=warehouse_job,
    minimum_interval_seconds=SETTINGS.automation_interval,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After a run that updated documents succeeds (the seed sensor's, the daily "
    "rebuild's, one from the UI), rebuild, gate and publish the warehouse: one warehouse_job run. "
    "Runs started by the CLI are skipped: the CLI builds the warehouse itself.",
)
def warehouse_after_documents(context: dg.RunStatusSensorContext):
    run = context.dagster_run
    if run.job_name == warehouse_job.name or run.tags.get("mscflow/trigger") == "cli":
        return dg.SkipReason(f"run {run.run_id[:8]} ({run.job_name}) is not one to follow")
    document_keys = DOCUMENTS.resolve(context.repository_def.asset_graph) if context.repository_def else set()
    if run.asset_selection is not None and not (set(run.asset_selection) & set(document_keys)):
        return dg.SkipReason(f"run {run.run_id[:8]} updated no document asset")
    return dg.RunRequest(run_key=f"wh-after-{run.run_id}",
                         tags={"mscflow/trigger": "documents_run", "mscflow/after_run": run.run_id})


@dg.sensor(
    jobs=[documents_job, warehouse_job],
    minimum_interval_seconds=SETTINGS.sensor_interval,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches seeds/: new or changed files get a partition and one run for the whole "
    "batch; removed files lose their partition and rows; a renamed file keeps its extraction.",
)
def seed_files_sensor(context: dg.SensorEvaluationContext, mscflow: MscflowConfig) -> dg.SensorResult | dg.SkipReason:
    settings = mscflow.settings()
    previous = json.loads(context.cursor) if context.cursor else store.stored_state(settings.store_dir)
    current = scan_seeds(settings.seeds_dir)
    changes = diff_seeds(previous, current)
    if not changes.any:
        return dg.SkipReason(f"no change in {len(current)} seed file(s)")
    apply_seed_changes(context.instance, settings, changes)
    cursor = json.dumps(current, sort_keys=True)
    run_key = cursor_digest(cursor)
    requests = [
        dg.RunRequest(job_name=documents_job.name, tags={**tags, "mscflow/trigger": "seed_sensor"},
                      run_key=f"docs-{run_key}-{tags[RANGE_START]}-{tags[RANGE_END]}")
        for tags in document_run_tags(context.instance, changes.to_process)
    ]
    if not requests:  # only removals or renames: the warehouse must drop or relabel rows
        requests.append(dg.RunRequest(job_name=warehouse_job.name, run_key=f"wh-{run_key}",
                                      tags={"mscflow/trigger": "seed_sensor"}))
    context.log.info(f"seed changes: {json.dumps(changes.as_dict(), ensure_ascii=False)}")
    return dg.SensorResult(run_requests=requests, cursor=cursor)


def cursor_digest(cursor: str) -> str:
    return hashlib.sha256(cursor.encode()).hexdigest()[:12]


@dg.schedule(
    cron_schedule=SETTINGS.rebuild_cron,
    job=documents_job,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily safety net: re-process every seed document; the warehouse rebuild, "
    "gate and publish follow (warehouse_after_documents).",
)
def daily_rebuild_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    keys = context.instance.get_dynamic_partitions(seed_documents.name)
    if not keys:
        return dg.SkipReason("no seed documents registered yet")
    return dg.RunRequest(tags={RANGE_START: keys[0], RANGE_END: keys[-1], "mscflow/trigger": "daily_rebuild"})


@dg.definitions
def automation() -> dg.Definitions:
    return dg.Definitions(jobs=[documents_job, warehouse_job], sensors=[seed_files_sensor, warehouse_after_documents],
                          schedules=[daily_rebuild_schedule])
