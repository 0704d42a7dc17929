"""Damaged spans: byte-shifted mojibake, U+FFFD, stray ``?`` — kept, located, counted.

They cannot be decoded back, so the text keeps them; downstream users see where they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .pinyin import HAN, TONE_LETTERS

FRAGMENT = rf"[a-z{TONE_LETTERS}]*[{TONE_LETTERS}][a-z{TONE_LETTERS}]*"
# ? + orphan pinyin fragment (``?qū)``), possibly followed by rare characters or more debris
SHIFTED_RE = re.compile(rf"\?+(?:{FRAGMENT}\)?)")
ORPHAN_PINYIN_RE = re.compile(rf"(?<![(（a-z{TONE_LETTERS}])(?:{FRAGMENT})\)|(?<=[A-Za-z])\((?:{FRAGMENT})\)")
REPLACEMENT_RE = re.compile("\ufffd+")
# a lone ``?`` after a product name closing its bracket (``(ProductName?)``) stood for ™ or ®
STRAY_Q_RE = re.compile(rf"(?<=[{HAN}A-Za-z)])\?+(?=[{HAN}!！\-])|\?{{2,}}|(?<=[A-Za-z])\?(?=[)）])")
INTERROGATIVE_RE = re.compile(r"什么|为何|为什么|如何|怎么|怎样|哪|吗|呢|是否|是不是|多少|几|还是|有没有|能否|可否|难道|何")
SENTENCE_END_RE = re.compile(r"[。！!？?\n]")
DEBRIS_RE = re.compile(rf"[^\s\w{HAN},.;:，。；：、()（）\[\]【】%/+\-|\"'“”]|[\u2460-\u24ff]")


@dataclass(frozen=True)
class DamagedSpan:
    start: int
    end: int
    text: str
    kind: str  # shifted_bytes | replacement_char | stray_question_mark


def _is_rare_han(ch: str) -> bool:
    """Outside GB2312: typical of mis-decoded bytes, rare in real articles."""
    if not re.match(rf"[{HAN}]", ch):
        return False
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def _extend(text: str, end: int) -> int:
    """Grow a damaged span over adjacent debris (rare Han, symbols, more fragments)."""
    while end < len(text):
        m = ORPHAN_PINYIN_RE.match(text, end) or SHIFTED_RE.match(text, end)
        if m:
            end = m.end()
            continue
        ch = text[end]
        if _is_rare_han(ch) or DEBRIS_RE.match(ch):
            end += 1
            continue
        if re.match(r"[A-Za-z]", ch) and ORPHAN_PINYIN_RE.match(text, end + 1):
            end += 1
            continue
        break
    return end


def _is_question(text: str, pos: int) -> bool:
    start = max((m.end() for m in SENTENCE_END_RE.finditer(text, 0, pos)), default=0)
    # an alternative question goes on with 还是 after the mark
    return bool(INTERROGATIVE_RE.search(text, start, pos)) or text.startswith("还是", pos + 1)


def find_damaged_spans(text: str) -> list[DamagedSpan]:
    spans: list[DamagedSpan] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, kind: str) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        spans.append(DamagedSpan(start, end, text[start:end], kind))

    for m in SHIFTED_RE.finditer(text):
        add(m.start(), _extend(text, m.end()), "shifted_bytes")
    for m in ORPHAN_PINYIN_RE.finditer(text):
        add(m.start(), _extend(text, m.end()), "shifted_bytes")
    for m in REPLACEMENT_RE.finditer(text):
        add(m.start(), m.end(), "replacement_char")
    for m in STRAY_Q_RE.finditer(text):
        if len(m.group(0)) > 1 or not _is_question(text, m.start()):
            add(m.start(), m.end(), "stray_question_mark")
    return sorted(spans, key=lambda s: s.start)
