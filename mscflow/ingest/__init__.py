"""Ingest: the seeds folder -> seed files (and what was skipped) -> bytes, sha256, decoded text
or a quarantine reason; what changed since the last run."""

from .changes import SeedChanges, diff_seeds, scan_seeds
from .decode import decode_bytes
from .files import SeedListing, Skipped, duplicate_owners, list_seed_files, list_seeds
from .read import RawDocument, read_document, read_seed, sha256_bytes

__all__ = [
    "RawDocument", "SeedChanges", "SeedListing", "Skipped", "decode_bytes", "diff_seeds", "duplicate_owners",
    "list_seed_files", "list_seeds", "read_document", "read_seed", "scan_seeds", "sha256_bytes",
]
