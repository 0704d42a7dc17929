"""The seeds folder, listed once: which files are seeds, which are skipped and why.

The one place that decides what a seed file is (the sensor, ``mscflow build/refresh`` and the
raw-documents asset all ask here). A hidden file, an editor's swap or backup file, a folder or
a link that leaves the seeds folder is never a seed, and the listing says so, so that it can
never displace (as a "duplicate") or shadow a real article."""

from __future__ import annotations

import hashlib
import stat
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# editor and backup leftovers beside a real article (a.txt~, .a.txt.swp, a.txt.bak, #a.txt#)
BACKUP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".bak", ".orig", ".tmp", ".part", ".crdownload")
HIDDEN = "hidden_file"
BACKUP = "editor_backup"
FOLDER = "folder"
NOT_REGULAR = "not_a_regular_file"
OUTSIDE = "link_outside_seeds"
BROKEN = "broken_link"


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str  # hidden_file | editor_backup | folder | not_a_regular_file | link_outside_seeds | broken_link


@dataclass(frozen=True)
class SeedListing:
    """Seed files in a stable (name) order, and everything else in the folder with its reason."""

    folder: Path
    files: tuple[Path, ...] = ()
    skipped: tuple[Skipped, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.files]


def skip_reason(path: Path, seeds_dir: Path) -> str | None:
    """Why ``path`` is not a seed file, or None when it is one."""
    name = path.name
    if name.startswith("."):
        return HIDDEN
    if name.endswith(BACKUP_SUFFIXES) or (name.startswith("#") and name.endswith("#")):
        return BACKUP
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (FileNotFoundError, RuntimeError):
            return BROKEN
        if seeds_dir.resolve() not in target.parents:
            return OUTSIDE
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return BROKEN
    if stat.S_ISDIR(mode):
        return FOLDER
    if not stat.S_ISREG(mode):
        return NOT_REGULAR
    return None


def list_seeds(seeds_dir: Path) -> SeedListing:
    """Every entry of the seeds folder, sorted into seeds and skipped entries."""
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"seeds folder not found: {seeds_dir} (set MSCFLOW_SEEDS)")
    files, skipped = [], []
    for path in sorted(seeds_dir.iterdir()):
        reason = skip_reason(path, seeds_dir)
        if reason is None:
            files.append(path)
        else:
            skipped.append(Skipped(path.name, reason))
    return SeedListing(seeds_dir, tuple(files), tuple(skipped))


def list_seed_files(seeds_dir: Path) -> list[Path]:
    """The seed files alone, in a stable order."""
    return list(list_seeds(seeds_dir).files)


def duplicate_owners(seeds_dir: Path, listing: SeedListing | None = None) -> dict[str, str]:
    """{file: the earliest-named seed file with identical bytes} for every later twin.

    Only files of equal size are hashed, so one call per run stays cheap for large folders."""
    listing = listing or list_seeds(seeds_dir)
    by_size: dict[int, list[Path]] = defaultdict(list)
    for p in listing.files:
        by_size[p.stat().st_size].append(p)
    owners: dict[str, str] = {}
    for group in (g for g in by_size.values() if len(g) > 1):
        first_by_digest: dict[str, str] = {}
        for p in group:  # already in name order
            digest = hashlib.sha256(p.read_bytes()).hexdigest()
            if digest in first_by_digest:
                owners[p.name] = first_by_digest[digest]
            else:
                first_by_digest[digest] = p.name
    return owners
