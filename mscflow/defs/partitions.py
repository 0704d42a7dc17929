"""One dynamic partition per seed file (key = file name), and how the partitions follow the
seeds folder: the one code path the seed sensor and ``mscflow build/refresh`` share."""

from __future__ import annotations

import dagster as dg

from mscflow import store
from mscflow.ingest import SeedChanges
from mscflow.settings import Settings

seed_documents = dg.DynamicPartitionsDefinition(name="seed_documents")
RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def apply_seed_changes(instance: dg.DagsterInstance, settings: Settings, changes: SeedChanges) -> None:
    """Partitions and store follow the seeds folder: renames move, removals forget, new files
    get a partition. Extraction itself is left to the run that follows."""
    for old, new in changes.renamed:
        store.rename_document(settings.store_dir, old, new)
        instance.add_dynamic_partitions(seed_documents.name, [new])
        instance.delete_dynamic_partition(seed_documents.name, old)
    for name in changes.removed:
        store.remove_document(settings.store_dir, name)
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
