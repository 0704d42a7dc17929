"""The CLI's driver: ``mscflow build`` and ``mscflow refresh`` run the project's assets
in-process on the shared Dagster instance (DAGSTER_HOME), so their runs land in the UI's
history like UI runs. The one module outside ``mscflow/defs`` that imports Dagster."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg

from mscflow import standby, store
from mscflow.defs.instance import EVENT_LOG_CLASS, tune_sqlite_storage
from mscflow.defs.partitions import (
    RANGE_END,
    RANGE_START,
    apply_seed_changes,
    document_run_tags,
    seed_documents,
)
from mscflow.ingest import SeedChanges, Skipped, diff_seeds, list_seeds, scan_seeds
from mscflow.settings import Settings, apply_dagster_environment, dagster_home
from mscflow.warehouse.build import build_path, fresh_build_file
from mscflow.warehouse.guards import (
    build_lock,
    check_warehouse_path,
    process_alive,
    remove_leftovers,
)

from .summary import RunSummary, quiet

TRIGGER, PID, HOST = "mscflow/trigger", "mscflow/pid", "mscflow/host"


def record_steps(instance: dg.DagsterInstance, run_id: str, summary: RunSummary) -> None:
    """Each step's wall seconds, from the run's own event log."""
    for stat in instance.get_run_step_stats(run_id):
        if stat.start_time and stat.end_time:
            summary.steps[stat.step_key] = round(stat.end_time - stat.start_time, 3)


def ensure_dagster_home() -> Path:
    """DAGSTER_HOME (default ``.dagster/`` in the project, shared with ``make dev``), with a
    ``dagster.yaml`` holding the one-writer pool on first use."""
    import os

    home = dagster_home()
    apply_dagster_environment()
    tune_sqlite_storage()
    os.environ["DAGSTER_HOME"] = str(home)  # the instance Dagster opens is the one settings name
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or _written_by_mscflow(config.read_text(encoding="utf-8")):
        config.write_text(instance_config(), encoding="utf-8")
    return home


# what earlier versions wrote: replaced by the current one (a file a user wrote is left alone)
_FIRST_CONFIG = ("# written by mscflow on first use\n" "concurrency:\n  pools:\n    default_limit: 1\n"
                 "telemetry:\n  enabled: false\n")


def instance_config() -> str:
    """The embedded instance's ``dagster.yaml``: one writer at a time, no telemetry, and the
    event log that keeps its SQLite connections open (mscflow/defs/instance.py). No path is
    written in it: the event log lives under whatever home opens the file."""
    module, _, cls = EVENT_LOG_CLASS.rpartition(".")
    return _FIRST_CONFIG + f"event_log_storage:\n  module: {module}\n  class: {cls}\n"


# the second version named its home's event-log folder, so a copied home wrote to the original
_SECOND_CONFIG = re.compile(re.escape(instance_config()) + r'  config:\n    base_dir: "[^"\n]*"\n')


def _written_by_mscflow(text: str) -> bool:
    """A file an earlier or this version wrote, replaced by the current one."""
    return text in (_FIRST_CONFIG, instance_config()) or _SECOND_CONFIG.fullmatch(text) is not None


def load_project_defs() -> dg.Definitions:
    """The code location's definitions, through its one entry point."""
    from mscflow.definitions import defs

    return defs()


def reap_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """CLI runs whose process was killed stay STARTED and keep their concurrency-pool slots, so
    the next build would wait forever for the ``duckdb_build`` slot: mark them failed and free
    their slots. Only runs of this machine's dead processes are touched."""
    import os
    import socket

    active = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.NOT_STARTED]
    reaped = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=active, tags={TRIGGER: "cli"})):
        pid, host = run.tags.get(PID), run.tags.get(HOST)
        if not pid or host != socket.gethostname() or process_alive(int(pid)) or int(pid) == os.getpid():
            continue
        instance.report_run_failed(run, message=f"mscflow: the process that ran it (pid {pid}) is gone")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        reaped.append(run.run_id)
    return reaped


def _run_tags(extra: dict[str, str] | None = None) -> dict[str, str]:
    import os
    import socket

    return {**(extra or {}), TRIGGER: "cli", PID: str(os.getpid()), HOST: socket.gethostname()}


def _quiet_config(settings: Settings) -> dict:
    """The CLI prints its own summary; Dagster's step-by-step log stays in the run history."""
    return {"loggers": {"console": {"config": {"log_level": settings.log_level}}}}


def _is_document_asset(a: object) -> bool:
    return isinstance(a, dg.AssetsDefinition) and a.partitions_def == seed_documents


def materialize_documents(instance: dg.DagsterInstance, defs: dg.Definitions, keys: list[str], settings: Settings,
                          summary: RunSummary, progress: Callable[[str], None] = quiet) -> None:
    if not keys:
        return
    job = defs.resolve_job_def("documents_job")  # a named job, as the sensor's runs
    for tags in document_run_tags(instance, keys):
        progress(f"documents {tags[RANGE_START]} .. {tags[RANGE_END]}: ingest, clean, extract ...")
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, run_config=_quiet_config(settings), tags=_run_tags(tags),
        )
        summary.run_ids.append(result.run_id)
        record_steps(instance, result.run_id, summary)
        if not result.success:  # the failed steps and checks, each with its cause
            summary.failures.extend(_failures(result) or [f"document run {result.run_id} failed"])
    summary.documents_processed = sorted(keys)


def materialize_all(instance: dg.DagsterInstance, defs: dg.Definitions, keys: list[str], settings: Settings,
                    summary: RunSummary, progress: Callable[[str], None] = quiet) -> None:
    """The documents ``keys`` and then the warehouse. When the documents are one partition range
    (a build; a refresh whose changes sit at the end of the order, as ``apply_seed_changes``
    puts them) this is one ``refresh_job`` run: one run's set-up, as the seed sensor does. Else a
    ``documents_job`` run per range, then one ``warehouse_job`` run."""
    ranges = document_run_tags(instance, keys) if keys else []
    if len(ranges) != 1:
        materialize_documents(instance, defs, keys, settings, summary, progress)
        if not summary.failures:
            materialize_warehouse(instance, defs, settings, summary, progress)
        return
    (tags,) = ranges
    progress(f"documents {tags[RANGE_START]} .. {tags[RANGE_END]}, then the warehouse: ingest, clean, extract, "
             "land, build models, quality gate, publish, evidence report ...")
    result = defs.resolve_job_def("refresh_job").execute_in_process(
        instance=instance, raise_on_error=False, run_config=_quiet_config(settings), tags=_run_tags(tags),
    )
    _record_warehouse_run(instance, result, summary)
    summary.documents_processed = sorted(keys)


def _record_warehouse_run(instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult, summary: RunSummary) -> None:
    summary.run_ids.append(result.run_id)
    record_steps(instance, result.run_id, summary)
    # published only when the publish asset itself materialized (it runs after the gate)
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    summary.published = result.success and dg.AssetKey("published_warehouse") in materialized
    if not result.success:
        summary.failures.extend(_failures(result))


def materialize_warehouse(instance: dg.DagsterInstance, defs: dg.Definitions, settings: Settings,
                          summary: RunSummary, progress: Callable[[str], None] = quiet) -> None:
    others = [a for a in (defs.assets or []) if not _is_document_asset(a)]
    if not others:
        return
    progress("warehouse: land, build models, quality gate, publish, evidence report ...")
    result = defs.resolve_job_def("warehouse_job").execute_in_process(
        instance=instance, raise_on_error=False, run_config=_quiet_config(settings), tags=_run_tags(),
    )
    _record_warehouse_run(instance, result, summary)


def _failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """One line per failed step or failed check of a run."""
    out = []
    for event in result.all_events:
        data = event.event_specific_data
        if event.event_type_value == "STEP_FAILURE":
            out.append(f"{event.step_key}: {_cause(data.error) if data and data.error else 'failed'}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION" and data is not None and not getattr(data, "passed", True):
            out.append(f"check {data.check_name} on {data.asset_key.to_user_string()} failed{_where(data)}")
    return out


def _cause(error: object) -> str:
    """The innermost cause of a step's error (a retry wraps it: "Exceeded max_retries of 2")."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    lines = [line for line in str(getattr(error, "message", error)).strip().splitlines() if line.strip()]
    return (lines[0] if lines else "failed")[:300]


def _where(evaluation: object) -> str:
    """The files (or the first failed expectation) a failed check names in its metadata."""
    failures = getattr(evaluation, "metadata", {}).get("failures")
    value = getattr(failures, "value", failures)
    if isinstance(value, dict | list) and value:
        names = sorted(map(str, value))
        return f" on file(s) {', '.join(names[:5])}" + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    if isinstance(value, str) and value.strip() and value.strip() != "none":
        return f": {value.strip().splitlines()[0].lstrip('- ')[:200]}"
    return ""


def _prepare(settings: Settings) -> dg.DagsterInstance:
    """Before any work: refuse a bad warehouse path, clean a killed run's leftovers."""
    check_warehouse_path(settings.warehouse_path)
    remove_leftovers(settings.warehouse_path)
    ensure_dagster_home()
    instance = dg.DagsterInstance.get()
    reap_dead_runs(instance)
    return instance


def run_build(settings: Settings, progress: Callable[[str], None] = quiet) -> RunSummary:
    """Every seed document, then the warehouse: a full, idempotent rebuild (one at a time)."""
    with build_lock(settings.data_dir):
        return _build(settings, progress)


def _build(settings: Settings, progress: Callable[[str], None]) -> RunSummary:
    started = time.perf_counter()
    listing = list_seeds(settings.seeds_dir, settings.seed_links)
    current = scan_seeds(settings.seeds_dir, listing)
    summary = RunSummary(skipped=list(listing.skipped))
    with warehouse_standbys(settings, len(current)):
        instance = _prepare(settings)
        known = {k: "" for k in instance.get_dynamic_partitions(seed_documents.name)}
        changes = diff_seeds(known | store.stored_state(settings.store_dir), current)
        apply_seed_changes(instance, settings, SeedChanges(added=sorted(current), removed=changes.removed, renamed=[]))
        fresh_build_file(build_path(settings))  # a build lands every stored file afresh (a refresh updates it)
        defs = load_project_defs()
        progress(f"{len(current)} seed file(s) in {settings.seeds_dir}" + _skipped_note(listing.skipped))
        materialize_all(instance, defs, sorted(current), settings, summary, progress)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def refresh_runs(settings: Settings, changes: SeedChanges, summary: RunSummary,
                 progress: Callable[[str], None] = quiet) -> None:
    """A refresh's Dagster side, once ``cli/refresh.py`` found work: reap killed runs, apply the
    seed changes to the partitions, run what changed and then the warehouse."""
    with warehouse_standbys(settings, len(changes.to_process)):
        instance = _prepare(settings)
        if changes.any:
            apply_seed_changes(instance, settings, changes)
        materialize_all(instance, load_project_defs(), changes.to_process, settings, summary, progress)


@contextlib.contextmanager
def warehouse_standbys(settings: Settings, n_documents: int) -> Iterator[None]:
    """A standby process for the gate during this run (``mscflow.standby``), when the machine
    has a core to spare. A run whose documents stay in this process (a few documents: the seeds,
    most refreshes) starts it at once, while the second core idles; a run whose documents fill
    the pool lets the landing step start it."""
    with standby.session(enabled=settings.workers > 1):
        if not settings.pool().parallel_for(n_documents):
            standby.prepare(*standby.WAREHOUSE_JOBS)
        yield


def _skipped_note(skipped: list[Skipped] | tuple[Skipped, ...]) -> str:
    return f"; {len(skipped)} skipped (not seeds)" if skipped else ""
