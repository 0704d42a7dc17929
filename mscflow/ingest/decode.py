"""Bytes -> text for Chinese web articles: BOMs, strict UTF-8, BOM-less UTF-16, then the
Chinese encodings ranked by how Chinese the decoded text reads.

A general-purpose detector guesses badly on short Chinese files (a few hundred characters of
Big5, a GBK page whose only non-ASCII symbol is ×). Chinese text decoded with the right
encoding is made almost entirely of common characters (GB2312's, after t2s); decoded with a
wrong one it lands on rare ones. So every candidate is decoded and the most Chinese reading
wins, provided it is Chinese enough. A few invalid bytes inside an otherwise good file (a
truncated download, one corrupted sector) are decoded as U+FFFD and later located and counted
as damage by the clean stage; a file is undecodable only when no reading is Chinese text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache

CANDIDATE_ENCODINGS = ("utf_8", "gb18030", "big5hkscs")
MAX_REPLACED_SHARE = 0.02  # more replaced characters than this: not this encoding's text
MIN_HAN = 8  # a Chinese article has at least this many Han characters
MIN_COMMON_SHARE = 0.85  # of its Han characters, at least this share are common ones
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


@dataclass(frozen=True)
class Reading:
    """The bytes read with one encoding: text, replaced characters, share of common Han."""

    encoding: str
    text: str
    replaced: int
    han: int
    common_share: float

    @property
    def is_chinese(self) -> bool:
        return (self.han >= MIN_HAN and self.common_share >= MIN_COMMON_SHARE
                and self.replaced <= MAX_REPLACED_SHARE * max(len(self.text), 1))

    @property
    def rank(self) -> tuple[float, int]:
        return (self.common_share, -self.replaced)


@cache
def _common_han() -> frozenset[str]:
    """GB2312's 6,763 Han characters: the common characters of Chinese text."""
    chars = set()
    for lead in range(0xB0, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def _common_share(han: list[str]) -> float:
    """Share of Han characters that are common once simplified."""
    if not han:
        return 0.0
    from ..clean.script import converter

    simplified = converter("t2s").convert("".join(han))
    common = _common_han()
    return sum(ch in common for ch in simplified) / len(simplified)


def read_as(data: bytes, encoding: str) -> Reading:
    text = data.decode(encoding, errors="replace")
    han = _HAN.findall(text)
    return Reading(encoding, text, text.count("\ufffd"), len(han), _common_share(han))


def decode_bytes(data: bytes) -> tuple[str, str, float]:
    """(text, encoding, confidence) of Chinese web text; confidence is the share of common Han
    characters for a ranked reading, 1.0 for a BOM or strict UTF-8.

    Raises UnicodeDecodeError (at the first invalid byte of the best reading) when no reading
    is Chinese text."""
    for bom, enc in ((codecs.BOM_UTF8, "utf_8_sig"), (codecs.BOM_UTF16_LE, "utf_16"), (codecs.BOM_UTF16_BE, "utf_16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc.replace("_sig", "_bom"), 1.0
    try:
        return data.decode("utf-8"), "utf_8", 1.0
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16[0], utf16[1], 0.9
    readings = sorted((read_as(data, enc) for enc in CANDIDATE_ENCODINGS), key=lambda r: r.rank, reverse=True)
    chinese = [r for r in readings if r.is_chinese]
    if chinese:
        best = chinese[0]
        return best.text, best.encoding, round(best.common_share, 4)
    utf16 = _utf16_without_bom(data)  # all-CJK UTF-16 has no NULs to give it away
    if utf16 is not None:
        return utf16[0], utf16[1], 0.8
    raise _first_error(data, readings[0])


def _first_error(data: bytes, reading: Reading) -> UnicodeDecodeError:
    """Where the most plausible reading breaks, and why no reading is Chinese text."""
    why = (f"no encoding reads this as Chinese text (best: {reading.encoding}, {reading.han} Han characters, "
           f"{reading.common_share:.0%} of them common, {reading.replaced} invalid byte sequences")
    try:
        data.decode(reading.encoding)
    except UnicodeDecodeError as exc:
        return UnicodeDecodeError(reading.encoding, data, exc.start, exc.end, f"{why}, the first at byte {exc.start})")
    return UnicodeDecodeError(reading.encoding, data, 0, min(len(data), 1), why + ")")


def looks_binary(data: bytes) -> bool:
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
