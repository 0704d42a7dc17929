"""``mscflow refresh``: whether there is work is decided here, from the seeds folder, the store's
processed markers and the published file, with neither Dagster, pandas nor pandera imported.
A refresh with nothing to do ends here; one with work hands it to ``runner.refresh_runs``."""

from __future__ import annotations

import time
from collections.abc import Callable

from mscflow import store
from mscflow.ingest import SeedChanges, diff_seeds, list_seeds, scan_seeds
from mscflow.settings import Settings
from mscflow.warehouse.guards import build_lock, check_warehouse_path, remove_leftovers
from mscflow.warehouse.state import published_state

from .summary import RunSummary, quiet


def run_refresh(settings: Settings, progress: Callable[[str], None] = quiet) -> tuple[SeedChanges, RunSummary]:
    """Only what changed: the same steps the seed sensor takes (one refresh or build at a time)."""
    with build_lock(settings.data_dir):
        started = time.perf_counter()
        check_warehouse_path(settings.warehouse_path)
        remove_leftovers(settings.warehouse_path)
        listing = list_seeds(settings.seeds_dir, settings.seed_links)
        current = scan_seeds(settings.seeds_dir, listing)
        changes = diff_seeds(store.stored_state(settings.store_dir), current)
        # what the analysts' file holds, not what the store holds: a run killed before its publish
        # left the store ahead of the published file, and the next refresh must publish it
        stale = published_state(settings.warehouse_path) != current
        summary = RunSummary(skipped=list(listing.skipped))
        if changes.any or stale:
            # Dagster and the pipeline are imported only when there is work
            from .runner import refresh_runs

            refresh_runs(settings, changes, summary, progress)
        summary.seconds = round(time.perf_counter() - started, 2)
        return changes, summary
