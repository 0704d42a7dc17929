"""What a build or refresh did, as the CLI prints it (no Dagster here: a refresh with nothing to
do reports through this without importing it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mscflow.ingest import Skipped


@dataclass
class RunSummary:
    documents_processed: list[str] = field(default_factory=list)
    run_ids: list[str] = field(default_factory=list)
    published: bool = False
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # entries of the seeds folder that are not seeds
    steps: dict[str, float] = field(default_factory=dict)  # seconds per Dagster step (the bench's per-stage times)


def quiet(_: str) -> None:
    """A progress callback that says nothing (the default of a build or refresh)."""
    return None
