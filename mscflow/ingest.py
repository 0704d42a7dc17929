"""Reading seed files: bytes, hash, encoding detection, and the quarantine decision.

Every file ends either as a decoded document or as a quarantine record with a reason;
nothing is dropped silently.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

SEED_SUFFIXES = (".txt", ".md", ".html", ".htm")

# quarantine reasons (a closed set, documented in core.quarantine)
EMPTY = "empty_file"
BINARY = "binary_file"
TOO_LARGE = "too_large"
DUPLICATE = "duplicate_content"
UNDECODABLE = "undecodable"
INVALID = "failed_validation"
REASONS = (EMPTY, BINARY, TOO_LARGE, DUPLICATE, UNDECODABLE, INVALID)

# encodings tried by the detector: the ones Chinese web text actually comes in
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16", "big5hkscs"]


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


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def list_seed_files(seeds_dir: Path) -> list[Path]:
    """Seed files in a stable order (hidden files and editor backups are not seeds)."""
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"seeds folder not found: {seeds_dir} (set MSCFLOW_SEEDS)")
    return sorted(
        p for p in seeds_dir.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith("~")
    )


def decode_bytes(data: bytes) -> tuple[str, str, float]:
    """Decode Chinese web text: BOMs first, strict UTF-8 next, then the detector.

    Raises UnicodeDecodeError when no candidate decodes the bytes."""
    for bom, enc in ((codecs.BOM_UTF8, "utf_8_sig"), (codecs.BOM_UTF16_LE, "utf_16"), (codecs.BOM_UTF16_BE, "utf_16")):
        if data.startswith(bom):
            return data.decode(enc), enc.replace("_sig", "_bom"), 1.0
    try:
        return data.decode("utf-8"), "utf_8", 1.0
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16[0], utf16[1], 0.9
    best = from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None:
        utf16 = _utf16_without_bom(data)  # all-CJK UTF-16 has no NULs to give it away
        if utf16 is not None:
            return utf16[0], utf16[1], 0.8
        raise UnicodeDecodeError("unknown", data[:16], 0, min(len(data), 16), "no candidate encoding decodes this file")
    confidence = round(1.0 - float(best.chaos), 4)
    return str(best), best.encoding, confidence


def _looks_binary(data: bytes) -> bool:
    """NUL bytes mean binary content unless the bytes are UTF-16 text."""
    if b"\x00" not in data or data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return False
    return _utf16_without_bom(data) is None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when the bytes read as UTF-16 text in either byte order.

    The side with more NULs (ASCII characters' high bytes) is tried first."""
    if len(data) % 2:
        return None
    little_first = data[1::2].count(0) >= data[0::2].count(0)
    for enc in ("utf_16_le", "utf_16_be") if little_first else ("utf_16_be", "utf_16_le"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _plausible_share(text) > 0.97:
            return text, enc
    return None


def _plausible_share(text: str) -> float:
    """Share of characters a Chinese article is made of: ASCII, whitespace, CJK punctuation
    and full-width forms, and Han characters of GB2312 or Big5. Bytes of another encoding
    read as UTF-16 land mostly on rare code points, so they score low."""
    def ok(ch: str) -> bool:
        if ch.isascii():
            return ch.isprintable() or ch in "\n\r\t"
        if "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in "\u2014\u2018\u2019\u201c\u201d\u2026\u00b7\u00d7":
            return True
        for enc in ("gb2312", "big5"):
            try:
                ch.encode(enc)
                return True
            except UnicodeEncodeError:
                continue
        return False

    return sum(map(ok, text)) / max(len(text), 1)


def read_document(path: Path, seeds_dir: Path, max_bytes: int, first_owner: str | None = None) -> RawDocument:
    """Read one seed file. ``first_owner`` names the earlier file with the same content."""
    data = path.read_bytes()
    rel = path.relative_to(seeds_dir).as_posix()
    digest = sha256_bytes(data)

    def quarantine(reason: str, detail: str, enc: str | None = None) -> RawDocument:
        return RawDocument(rel, digest, len(data), enc, None, None, reason, detail)

    if not data.strip():
        return quarantine(EMPTY, f"{len(data)} bytes, no text")
    if len(data) > max_bytes:
        return quarantine(TOO_LARGE, f"{len(data)} bytes > limit {max_bytes} (MSCFLOW_MAX_FILE_BYTES)")
    if first_owner is not None:
        return quarantine(DUPLICATE, f"same sha256 as {first_owner}")
    if _looks_binary(data):
        return quarantine(BINARY, f"NUL bytes in {len(data)} bytes; not text")
    try:
        text, encoding, confidence = decode_bytes(data)
    except UnicodeDecodeError as exc:
        return quarantine(UNDECODABLE, str(exc))
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t")
    if control > max(8, len(text) // 100):
        return quarantine(BINARY, f"{control} control characters after decoding as {encoding}", encoding)
    return RawDocument(rel, digest, len(data), encoding, confidence, text)
