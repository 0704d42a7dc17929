"""Refreshes that run by themselves: a sensor on seeds/, a daily safety-net schedule, and
the jobs they launch. The seed sensor and the daily rebuild launch ``refresh_job``: the batch's
documents and then the warehouse in one run. A run that updated documents by itself (a UI
materialization of the document assets, ``documents_job``) is followed by one ``warehouse_job``
run (``warehouse_after_documents``); the CLI's runs are not followed, since the CLI builds the
warehouse itself: there is never a second warehouse run.

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
# What the seed sensor and the daily rebuild launch: the documents of one batch and then the
# warehouse, in one run (one process start, one code load), so an edit is published quickly.
refresh_job = dg.define_asset_job(
    "refresh_job",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    op_retry_policy=DOCUMENT_RETRY,
    description="Ingest, clean and extract the batch's seed documents, then build, gate and publish the "
    "warehouse and draw the evidence report: one run per batch of seed changes.",
)


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    request_job=warehouse_job,
    minimum_interval_seconds=SETTINGS.automation_interval,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After a run that updated documents by itself succeeds (documents_job, a UI "
    "materialization of the document assets), rebuild, gate and publish the warehouse: one "
    "warehouse_job run. refresh_job runs (the seed sensor's, the daily rebuild's) hold the warehouse "
    "already, and runs started by the CLI are skipped: the CLI builds the warehouse itself.",
)
def warehouse_after_documents(context: dg.RunStatusSensorContext):
    run = context.dagster_run
    if run.job_name in (warehouse_job.name, refresh_job.name) or run.tags.get("mscflow/trigger") == "cli":
        return dg.SkipReason(f"run {run.run_id[:8]} ({run.job_name}) is not one to follow")
    document_keys = DOCUMENTS.resolve(context.repository_def.asset_graph) if context.repository_def else set()
    if run.asset_selection is not None and not (set(run.asset_selection) & set(document_keys)):
        return dg.SkipReason(f"run {run.run_id[:8]} updated no document asset")
    return dg.RunRequest(run_key=f"wh-after-{run.run_id}",
                         tags={"mscflow/trigger": "documents_run", "mscflow/after_run": run.run_id})


@dg.sensor(
    jobs=[refresh_job, warehouse_job],
    minimum_interval_seconds=SETTINGS.sensor_interval,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches seeds/: new or changed files get a partition and one run for the whole "
    "batch; removed files lose their partition and rows; a renamed file keeps its extraction.",
)
def seed_files_sensor(context: dg.SensorEvaluationContext, mscflow: MscflowConfig) -> dg.SensorResult | dg.SkipReason:
    settings = mscflow.settings()
    previous = json.loads(context.cursor) if context.cursor else store.stored_state(settings.store_dir)
    current = scan_seeds(settings.seeds_dir, links=settings.seed_links)
    changes = diff_seeds(previous, current)
    if not changes.any:
        return dg.SkipReason(f"no change in {len(current)} seed file(s)")
    apply_seed_changes(context.instance, settings, changes)
    cursor = json.dumps(current, sort_keys=True)
    run_key = cursor_digest(cursor)
    requests = [
        dg.RunRequest(job_name=refresh_job.name, tags={**tags, "mscflow/trigger": "seed_sensor"},
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
    job=refresh_job,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily safety net: re-process every seed document, then rebuild, gate and publish "
    "the warehouse (one refresh_job run).",
)
def daily_rebuild_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    keys = context.instance.get_dynamic_partitions(seed_documents.name)
    if not keys:
        return dg.SkipReason("no seed documents registered yet")
    return dg.RunRequest(tags={RANGE_START: keys[0], RANGE_END: keys[-1], "mscflow/trigger": "daily_rebuild"})


@dg.definitions
def automation() -> dg.Definitions:
    return dg.Definitions(jobs=[documents_job, warehouse_job, refresh_job], sensors=[seed_files_sensor, warehouse_after_documents],
                          schedules=[daily_rebuild_schedule])
