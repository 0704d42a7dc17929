"""Bytes -> text for Chinese web articles: BOMs, strict UTF-8, BOM-less UTF-16, then a detector."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

# encodings tried by the detector: the ones Chinese web text actually comes in
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16", "big5hkscs"]


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
