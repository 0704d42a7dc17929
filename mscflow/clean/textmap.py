"""Text with an offset map back to the raw text, edited by span replacements.

Every cleaning step is a list of (start, end, replacement) edits applied here, so the map
from each clean character to its raw character stays correct by construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TextMap:
    text: str
    offsets: tuple[int, ...]  # offsets[i] = raw index of text[i]

    @classmethod
    def identity(cls, text: str) -> TextMap:
        return cls(text, tuple(range(len(text))))

    def apply(self, edits: Iterable[tuple[int, int, str]]) -> TextMap:
        """Apply non-overlapping edits; replacement characters map to the raw position of
        the replaced span (position by position while both sides have characters)."""
        parts: list[str] = []
        offs: list[int] = []
        pos = 0
        for start, end, repl in sorted(edits):
            if start < pos:
                raise ValueError(f"overlapping edit at {start}")
            parts.append(self.text[pos:start])
            offs.extend(self.offsets[pos:start])
            if repl:
                anchor = self.offsets[start] if start < len(self.offsets) else self._end()
                span = self.offsets[start:end]
                for i in range(len(repl)):
                    offs.append(span[i] if i < len(span) else (span[-1] if span else anchor))
                parts.append(repl)
            pos = end
        parts.append(self.text[pos:])
        offs.extend(self.offsets[pos:])
        return TextMap("".join(parts), tuple(offs))

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str | None]) -> tuple[TextMap, list[re.Match[str]]]:
        """Regex substitution; ``repl`` returning None keeps the match unchanged."""
        edits = []
        hits = []
        for m in pattern.finditer(self.text):
            new = repl(m)
            if new is None or new == m.group(0):
                continue
            edits.append((m.start(), m.end(), new))
            hits.append(m)
        return (self.apply(edits) if edits else self), hits

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw [start, end) covering clean [start, end)."""
        if start >= end or not self.offsets:
            pos = self.offsets[start] if start < len(self.offsets) else self._end()
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def _end(self) -> int:
        return self.offsets[-1] + 1 if self.offsets else 0


def encode_runs(offsets: tuple[int, ...] | list[int]) -> list[list[int]]:
    """Compress an offset map into [clean_start, raw_start, length] runs of consecutive chars
    (vectorised: a run starts wherever the raw offset does not go up by exactly one)."""
    if not len(offsets):
        return []
    raw = np.asarray(offsets, dtype=np.int64)
    starts = np.flatnonzero(np.diff(raw) != 1) + 1
    starts = np.concatenate(([0], starts))
    lengths = np.diff(np.concatenate((starts, [len(raw)])))
    return [[int(i), int(raw[i]), int(n)] for i, n in zip(starts, lengths, strict=True)]


def decode_runs(runs: list[list[int]]) -> tuple[int, ...]:
    out: list[int] = []
    for _, raw, length in runs:
        out.extend(range(raw, raw + length))
    return tuple(out)
