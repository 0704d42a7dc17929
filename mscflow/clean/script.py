"""Script detection and traditional -> simplified conversion (OpenCC)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np
import opencc

from .textmap import TextMap

HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=4)
def converter(config: str = "t2s") -> opencc.OpenCC:
    return opencc.OpenCC(config if config.endswith(".json") else f"{config}.json")


def detect_script(text: str, config: str = "t2s") -> str:
    """traditional / simplified / mixed / none, from the share of Han characters t2s changes.

    A few characters change in any simplified text (variants), so thresholds leave room."""
    han = HAN_RE.findall(text)
    if not han:
        return "none"
    sample = "".join(han)
    converted = converter(config).convert(sample)
    if len(converted) == len(sample):
        changed = len(differing(sample, converted))
    else:
        changed = sum(a != b for a, b in zip(sample, converted, strict=False))
    share = changed / len(han)
    if share < 0.01:
        return "simplified"
    if share > 0.08:
        return "traditional"
    return "mixed"


def unconverted(text: str, config: str = "t2s", limit: int = 3) -> list[str]:
    """Up to ``limit`` lines (shortened) that the conversion would still change."""
    cc = converter(config)
    return [line[:40] for line in text.split("\n") if cc.convert(line) != line][:limit]


def to_simplified(tm: TextMap, config: str = "t2s", rounds: int = 3) -> tuple[TextMap, int]:
    """Convert line by line until the conversion changes nothing (a phrase converted in one
    round can expose another); returns the new map and the number of characters changed."""
    total = 0
    for _ in range(rounds):
        tm, changed = _convert_once(tm, config)
        total += changed
        if not changed:
            break
    return tm, total


def differing(a: str, b: str) -> np.ndarray:
    """Positions where two strings of one length differ (compared as code points, in C)."""
    return np.flatnonzero(np.frombuffer(a.encode("utf-32-le"), dtype=np.uint32)
                          != np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32))


def _convert_once(tm: TextMap, config: str) -> tuple[TextMap, int]:
    """One round of conversion. Most texts convert one character for one: then the whole
    text is converted at once and compared in C; a conversion that changes a line's length
    (a phrase mapped to a longer or shorter one) is aligned line by line."""
    whole = converter(config).convert(tm.text)
    if len(whole) == len(tm.text):
        positions = differing(tm.text, whole)
        # a line that grew and a later one that shrank would shift a line break: align lines then
        if not any(tm.text[i] == "\n" or whole[i] == "\n" for i in positions):
            return (tm.apply([(int(i), int(i) + 1, whole[i]) for i in positions]) if len(positions) else tm), len(positions)
    return _convert_lines(tm, config)


def _convert_lines(tm: TextMap, config: str) -> tuple[TextMap, int]:
    cc = converter(config)
    edits: list[tuple[int, int, str]] = []
    changed = 0
    pos = 0
    for line in tm.text.split("\n"):
        if line:
            new = cc.convert(line)
            if new != line:
                if len(new) == len(line):
                    for i, (a, b) in enumerate(zip(line, new, strict=True)):
                        if a != b:
                            edits.append((pos + i, pos + i + 1, b))
                            changed += 1
                else:
                    for tag, i1, i2, j1, j2 in SequenceMatcher(None, line, new, autojunk=False).get_opcodes():
                        if tag != "equal":
                            edits.append((pos + i1, pos + i2, new[j1:j2]))
                            changed += max(i2 - i1, j2 - j1)
        pos += len(line) + 1
    return (tm.apply(edits) if edits else tm), changed
