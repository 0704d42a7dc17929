"""Reading one seed file: bytes (read once), hash, decoded text — or a quarantine reason.

Every file ends either as a decoded document or as a quarantine record with a reason;
nothing is dropped silently."""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..contracts.reasons import BINARY, CHANGING, DUPLICATE, EMPTY, TOO_LARGE, UNDECODABLE
from .decode import decode_bytes, looks_binary
from .files import duplicate_owners


@dataclass(frozen=True)
class RawDocument:
    source_path: str  # file name relative to the seeds folder
    sha256: str
    size_bytes: int
    encoding: str | None
    encoding_confidence: float | None
    text: str | None  # decoded text, None when quarantined
    quarantine_reason: str | None = None
    quarantine_detail: str | None = None

    @property
    def document_id(self) -> str:
        """Content-derived, so a renamed file keeps its id and reruns give identical rows."""
        return self.sha256[:16]

    @property
    def ok(self) -> bool:
        return self.quarantine_reason is None

    def record(self) -> dict[str, object]:
        """The ``raw_documents`` record of this file."""
        return {**asdict(self), "document_id": self.document_id}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


SETTLE_TRIES = 6  # reads of a file being rewritten before it is quarantined as file_changing
SETTLE_SECONDS = 0.05  # a file is at rest when nothing wrote to it for this long
# an empty file just created or truncated is most often about to be written (a browser saving a
# page, an editor rewriting one): it is at rest only once nothing wrote to it for this long
EMPTY_SETTLE_SECONDS = 1.0


def read_settled(path: Path) -> tuple[bytes, bool]:
    """(bytes, settled): the file read into memory once it is at rest (unmodified for
    ``SETTLE_SECONDS`` and unchanged across the read), so a file rewritten in place while it is
    read is one whole version, never half of one. Everything after (hash, decoding, cleaning)
    uses these bytes only. A file at rest costs one read and two stats; an empty file written in
    the last second is read again a second after it was written."""
    data, seen = b"", None
    for _ in range(SETTLE_TRIES):
        before = path.stat()
        data = path.read_bytes()
        after = path.stat()
        same = (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, after.st_size) == (after.st_mtime_ns, len(data))
        quiet = SETTLE_SECONDS if data else EMPTY_SETTLE_SECONDS
        age = (time.time_ns() - after.st_mtime_ns) / 1e9
        # a modification time in the future (another machine's clock, an archive) says nothing
        # of rest: such a file is at rest when it is unchanged since the previous read
        if same and (age > quiet or (age < 0 and seen == (after.st_mtime_ns, after.st_size))):
            return data, True
        seen = (after.st_mtime_ns, after.st_size)
        time.sleep(min(quiet, max(SETTLE_SECONDS, quiet - age)) if same else SETTLE_SECONDS)
    return data, False


def read_document(path: Path, seeds_dir: Path, max_bytes: int, first_owner: str | None = None) -> RawDocument:
    """Read one seed file. ``first_owner`` names the earlier file with the same content."""
    data, settled = read_settled(path)
    rel = path.relative_to(seeds_dir).as_posix()
    digest = sha256_bytes(data)

    def quarantine(reason: str, detail: str, enc: str | None = None) -> RawDocument:
        return RawDocument(rel, digest, len(data), enc, None, None, reason, detail)

    if not settled:
        return quarantine(CHANGING, f"changed between each of {SETTLE_TRIES + 1} reads; read again by the next refresh")
    if not data.strip():
        return quarantine(EMPTY, f"{len(data)} bytes, no text")
    if len(data) > max_bytes:
        return quarantine(TOO_LARGE, f"{len(data)} bytes > limit {max_bytes} (MSCFLOW_MAX_FILE_BYTES)")
    if first_owner is not None:
        return quarantine(DUPLICATE, f"same sha256 as {first_owner}")
    if looks_binary(data):
        return quarantine(BINARY, f"NUL bytes in {len(data)} bytes; not text")
    try:
        text, encoding, confidence = decode_bytes(data)
    except UnicodeDecodeError as exc:
        return quarantine(UNDECODABLE, exc.reason)
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t")
    if control > max(8, len(text) // 100):
        return quarantine(BINARY, f"{control} control characters after decoding as {encoding}", encoding)
    return RawDocument(rel, digest, len(data), encoding, confidence, text)


def read_seed(path: Path, seeds_dir: Path, max_bytes: int, owners: dict[str, str] | None = None) -> RawDocument:
    """Read a seed file, quarantining it as a duplicate when ``owners`` (from
    ``files.duplicate_owners``, computed once per run) names another file with its content."""
    if not path.is_file():
        raise FileNotFoundError(f"seed file {path} is gone; run the seed sensor or `mscflow refresh`")
    if owners is None:
        owners = duplicate_owners(seeds_dir)
    return read_document(path, seeds_dir, max_bytes, owners.get(path.name))
