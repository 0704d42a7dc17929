"""What changed in the seeds folder since the last refresh: one answer for the sensor and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .files import SeedListing, list_seeds
from .read import sha256_bytes


@dataclass(frozen=True)
class SeedChanges:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old, new), same content
    unchanged: list[str] = field(default_factory=list)

    @property
    def to_process(self) -> list[str]:
        """Documents whose content must be (re)extracted."""
        return sorted(self.added + self.changed)

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.renamed)

    def as_dict(self) -> dict[str, object]:
        return {
            "added": self.added, "changed": self.changed, "removed": self.removed,
            "renamed": [list(r) for r in self.renamed], "unchanged": self.unchanged,
        }


def scan_seeds(seeds_dir: Path, listing: SeedListing | None = None, links: str = "inside") -> dict[str, str]:
    """{file name: sha256} of every seed file."""
    files = listing.files if listing is not None else list_seeds(seeds_dir, links).files
    return {p.name: sha256_bytes(p.read_bytes()) for p in files}


def diff_seeds(previous: dict[str, str], current: dict[str, str]) -> SeedChanges:
    gone = {n: h for n, h in previous.items() if n not in current}
    new = {n: h for n, h in current.items() if n not in previous}
    renamed: list[tuple[str, str]] = []
    for old, digest in sorted(gone.items()):
        twin = next((n for n, h in sorted(new.items()) if h == digest), None)
        if twin is not None:
            renamed.append((old, twin))
            del new[twin]
    renamed_old = {o for o, _ in renamed}
    changed = sorted(n for n in current if n in previous and previous[n] != current[n])
    removed = sorted(n for n in gone if n not in renamed_old)
    unchanged = [n for n in current if n in previous and previous[n] == current[n]]
    twins = _twins_to_redo(previous, current, [*new, *changed], removed, unchanged)
    return SeedChanges(
        added=sorted(new),
        changed=sorted([*changed, *twins]),
        removed=removed,
        renamed=renamed,
        unchanged=sorted(n for n in unchanged if n not in twins),
    )


def _twins_to_redo(previous: dict[str, str], current: dict[str, str], arrived: list[str], removed: list[str],
                   unchanged: list[str]) -> list[str]:
    """Unchanged files whose content a file that arrived, changed or left shares: which twin
    is the original (``files.original_rank``) is decided again, so removing either of two copies
    never leaves the other quarantined as the duplicate of a file that is gone."""
    touched = {current[n] for n in arrived} | {previous[n] for n in removed} | {
        previous[n] for n in arrived if n in previous}
    return [n for n in unchanged if current[n] in touched]
