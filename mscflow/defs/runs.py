"""Running the pipeline from outside the UI (CLI, tests) on the same Dagster instance.

``apply_seed_changes`` is the one code path the seed sensor and ``mscflow refresh`` share
for partitions and the stage; ``materialize_documents`` / ``materialize_warehouse`` run
the assets in-process so the runs land in DAGSTER_HOME's history like UI runs."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from mscflow import stage
from mscflow.seedscan import SeedChanges
from mscflow.settings import PROJECT_ROOT, Settings

from .partitions import seed_documents

# the CLI prints its own summary; Dagster's step-by-step console log stays in the run history
QUIET = {"loggers": {"console": {"config": {"log_level": os.environ.get("MSCFLOW_LOG_LEVEL", "WARNING")}}}}
RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


@dataclass
class RunSummary:
    documents_processed: list[str] = field(default_factory=list)
    run_ids: list[str] = field(default_factory=list)
    published: bool = False
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


def ensure_dagster_home() -> Path:
    """Default DAGSTER_HOME to ``.dagster/`` in the project, shared with ``make dev``."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster"))).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(
            "# written by mscflow on first use\n"
            "concurrency:\n  pools:\n    default_limit: 1\n"
            "telemetry:\n  enabled: false\n",
            encoding="utf-8",
        )
    return home


def load_project_defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).resolve().parent)


def apply_seed_changes(instance: dg.DagsterInstance, settings: Settings, changes: SeedChanges) -> None:
    """Partitions and stage follow the seeds folder: renames move, removals forget, new files
    get a partition. Extraction itself is left to the run that follows."""
    for old, new in changes.renamed:
        stage.rename_document(settings.stage_dir, old, new)
        instance.add_dynamic_partitions(seed_documents.name, [new])
        instance.delete_dynamic_partition(seed_documents.name, old)
    for name in changes.removed:
        stage.remove_document(settings.stage_dir, name)
        if instance.has_dynamic_partition(seed_documents.name, name):
            instance.delete_dynamic_partition(seed_documents.name, name)
    # Changed documents are re-added at the end of the partition order, next to the new ones,
    # so everything to process is one contiguous range: one run per batch, however many files.
    for name in changes.changed:
        if instance.has_dynamic_partition(seed_documents.name, name):
            instance.delete_dynamic_partition(seed_documents.name, name)
    if changes.to_process:
        instance.add_dynamic_partitions(seed_documents.name, changes.to_process)


def contiguous_ranges(keys: list[str], ordered: list[str]) -> list[tuple[str, str]]:
    """Group keys into runs of neighbours in the partition order: one run per range."""
    wanted = set(keys)
    ranges: list[tuple[str, str]] = []
    start = prev = None
    for key in ordered:
        if key in wanted:
            start = start or key
            prev = key
        elif start is not None:
            ranges.append((start, prev))  # type: ignore[arg-type]
            start = prev = None
    if start is not None:
        ranges.append((start, prev))  # type: ignore[arg-type]
    return ranges


def document_run_tags(instance: dg.DagsterInstance, keys: list[str]) -> list[dict[str, str]]:
    """Partition-range tags for the runs that process ``keys`` (one per contiguous range)."""
    ordered = instance.get_dynamic_partitions(seed_documents.name)
    return [{RANGE_START: a, RANGE_END: b} for a, b in contiguous_ranges(keys, ordered)]


def _is_document_asset(a: object) -> bool:
    return isinstance(a, dg.AssetsDefinition) and a.partitions_def == seed_documents


def _quiet(_: str) -> None:
    return None


def materialize_documents(instance: dg.DagsterInstance, defs: dg.Definitions, keys: list[str],
                          summary: RunSummary, progress: Callable[[str], None] = _quiet) -> None:
    if not keys:
        return
    doc_assets = [a for a in defs.assets if _is_document_asset(a)]
    for tags in document_run_tags(instance, keys):
        progress(f"documents {tags[RANGE_START]} .. {tags[RANGE_END]}: ingest, clean, extract ...")
        result = dg.materialize(
            doc_assets, instance=instance, resources=defs.resources, raise_on_error=False, run_config=QUIET,
            tags={**tags, "mscflow/trigger": "cli"},
        )
        summary.run_ids.append(result.run_id)
        if not result.success:
            summary.failures.append(f"document run {result.run_id} failed")
    summary.documents_processed = sorted(keys)


def materialize_warehouse(instance: dg.DagsterInstance, defs: dg.Definitions, summary: RunSummary,
                          progress: Callable[[str], None] = _quiet) -> None:
    others = [a for a in (defs.assets or []) if not _is_document_asset(a)]
    checks = list(defs.asset_checks or [])
    if not others:
        return
    progress("warehouse: land, build models, quality gate, publish ...")
    result = dg.materialize(
        [*others, *checks], instance=instance, resources=defs.resources, raise_on_error=False, run_config=QUIET,
        tags={"mscflow/trigger": "cli"},
    )
    summary.run_ids.append(result.run_id)
    # published only when the publish asset itself materialized (it runs after the gate)
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    summary.published = result.success and dg.AssetKey("published_warehouse") in materialized
    if not result.success:
        for event in result.all_events:
            if event.event_type_value in ("STEP_FAILURE", "ASSET_CHECK_EVALUATION"):
                data = event.event_specific_data
                if event.event_type_value == "STEP_FAILURE":
                    summary.failures.append(f"{event.step_key}: {data.error.message.strip()[:300] if data and data.error else 'failed'}")
                elif data is not None and not getattr(data, "passed", True):
                    summary.failures.append(f"check {data.check_name} on {data.asset_key.to_user_string()} failed")


def staged_state(settings: Settings) -> dict[str, str]:
    """{seed name: sha256} of what the stage holds: the truth about what was processed."""
    frame = stage.read_table(settings.stage_dir, "raw_documents", ["source_path", "sha256"])
    return dict(zip(frame["source_path"], frame["sha256"], strict=True)) if len(frame) else {}


def run_build(settings: Settings, progress: Callable[[str], None] = _quiet) -> RunSummary:
    """Every seed document, then the warehouse: a full, idempotent rebuild."""
    from mscflow.seedscan import diff_seeds, scan_seeds

    started = time.perf_counter()
    ensure_dagster_home()
    instance = dg.DagsterInstance.get()
    current = scan_seeds(settings.seeds_dir)
    known = {k: "" for k in instance.get_dynamic_partitions(seed_documents.name)}
    changes = diff_seeds(known | staged_state(settings), current)
    apply_seed_changes(instance, settings, SeedChanges(
        added=sorted(current), removed=changes.removed, renamed=[]))
    defs = load_project_defs()
    summary = RunSummary()
    progress(f"{len(current)} seed file(s) in {settings.seeds_dir}")
    materialize_documents(instance, defs, sorted(current), summary, progress)
    if not summary.failures:
        materialize_warehouse(instance, defs, summary, progress)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def run_refresh(settings: Settings, progress: Callable[[str], None] = _quiet) -> tuple[SeedChanges, RunSummary]:
    """Only what changed: the same steps the seed sensor takes."""
    from mscflow.seedscan import diff_seeds, scan_seeds

    started = time.perf_counter()
    ensure_dagster_home()
    instance = dg.DagsterInstance.get()
    changes = diff_seeds(staged_state(settings), scan_seeds(settings.seeds_dir))
    summary = RunSummary()
    if changes.any:
        apply_seed_changes(instance, settings, changes)
        defs = load_project_defs()
        materialize_documents(instance, defs, changes.to_process, summary, progress)
        if not summary.failures:
            materialize_warehouse(instance, defs, summary, progress)
    summary.seconds = round(time.perf_counter() - started, 2)
    return changes, summary
