"""The seeds folder, listed once: which files are seeds, which are skipped and why.

The one place that decides what a seed file is (the sensor, ``mscflow build/refresh`` and the
raw-documents asset all ask here). A hidden file, an editor's swap or backup file, a folder or
a link that leaves the seeds folder is never a seed, and the listing says so, so that it can
never displace (as a "duplicate") or shadow a real article."""

from __future__ import annotations

import hashlib
import os
import re
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
NAME_NOT_UTF8 = "name_not_utf8"
NAME_UNUSABLE = "name_unusable"
LINK_NOT_FOLLOWED = "link_not_followed"
# what a document key (a Dagster partition key, a text column) cannot hold
UNUSABLE_IN_NAMES = ("...", "\a", "\b", "\f", "\n", "\r", "\t", "\v", "\0")


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str  # hidden_file | editor_backup | folder | not_a_regular_file | link_outside_seeds | broken_link
    #              | name_not_utf8 | name_unusable | link_not_followed


@dataclass(frozen=True)
class SeedListing:
    """Seed files in a stable (name) order, and everything else in the folder with its reason."""

    folder: Path
    files: tuple[Path, ...] = ()
    skipped: tuple[Skipped, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.files]


def display_name(name: str) -> str:
    """A file name as printable text: bytes that are not UTF-8 shown as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _name_reason(name: str) -> str | None:
    """A name the run history and the warehouse cannot record as text is not a seed's name."""
    if display_name(name) != name:
        return NAME_NOT_UTF8
    if any(bad in name for bad in UNUSABLE_IN_NAMES):
        return NAME_UNUSABLE
    return None


def skip_reason(path: Path, seeds_dir: Path, links: str = "inside") -> str | None:
    """Why ``path`` is not a seed file, or None when it is one. ``links``: ``inside`` follows a
    symlink that stays in the seeds folder, ``never`` follows none."""
    name = path.name
    if (why := _name_reason(name)) is not None:
        return why
    if name.startswith("."):
        return HIDDEN
    if name.endswith(BACKUP_SUFFIXES) or (name.startswith("#") and name.endswith("#")):
        return BACKUP
    if path.is_symlink():
        if links == "never":
            return LINK_NOT_FOLLOWED
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


def list_seeds(seeds_dir: Path, links: str = "inside") -> SeedListing:
    """Every entry of the seeds folder, sorted into seeds and skipped entries (``links``:
    ``MSCFLOW_SEED_LINKS``)."""
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"seeds folder not found: {seeds_dir} (set MSCFLOW_SEEDS)")
    files, skipped = [], []
    for path in sorted(seeds_dir.iterdir()):
        reason = skip_reason(path, seeds_dir, links)
        if reason is None:
            files.append(path)
        else:
            skipped.append(Skipped(display_name(path.name), reason))
    return SeedListing(seeds_dir, tuple(files), tuple(skipped))


# names a copy gets from a file manager or a browser: "a - 副本.txt", "a (1).txt", "Copy of a.txt"
COPY_MARK = re.compile(r"副本|拷贝|复制|\bcopy\b|\(\d+\)|（\d+）", re.IGNORECASE)


def original_rank(name: str) -> tuple[bool, str]:
    """Which of several files with the same content is the original: a name not marked as a
    copy, then name order. Decided from names alone, so the same folder always gives the same
    answer, and a hidden or backup file (never a seed) cannot win."""
    return (bool(COPY_MARK.search(Path(name).stem)), name)


def list_seed_files(seeds_dir: Path) -> list[Path]:
    """The seed files alone, in a stable order."""
    return list(list_seeds(seeds_dir).files)


def duplicate_owners(seeds_dir: Path, listing: SeedListing | None = None) -> dict[str, str]:
    """{file: the original (``original_rank``) with identical bytes} for every other twin.

    Only files of equal size are hashed, so one call per run stays cheap for large folders."""
    listing = listing or list_seeds(seeds_dir)
    by_size: dict[int, list[Path]] = defaultdict(list)
    for p in listing.files:
        by_size[p.stat().st_size].append(p)
    owners: dict[str, str] = {}
    for group in (g for g in by_size.values() if len(g) > 1):
        first_by_digest: dict[str, str] = {}
        for p in sorted(group, key=lambda p: original_rank(p.name)):
            digest = hashlib.sha256(p.read_bytes()).hexdigest()
            if digest in first_by_digest:
                owners[p.name] = first_by_digest[digest]
            else:
                first_by_digest[digest] = p.name
    return owners
