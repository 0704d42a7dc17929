"""Text with an offset map back to the raw text, edited by span replacements.

Every cleaning step is a list of (start, end, replacement) edits applied here, so the map
from each clean character to its raw character stays correct by construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class TextMap:
    text: str
    offsets: np.ndarray  # offsets[i] = raw index of text[i] (int64; slices are copied in C, not per character)

    @classmethod
    def identity(cls, text: str) -> TextMap:
        return cls(text, np.arange(len(text), dtype=np.int64))

    def apply(self, edits: Iterable[tuple[int, int, str]]) -> TextMap:
        """Apply non-overlapping edits; replacement characters map to the raw position of
        the replaced span (position by position while both sides have characters)."""
        offsets = np.asarray(self.offsets, dtype=np.int64)
        parts: list[str] = []
        segments: list[np.ndarray] = []
        pos = 0
        for start, end, repl in sorted(edits):
            if start < pos:
                raise ValueError(f"overlapping edit at {start}")
            parts.append(self.text[pos:start])
            segments.append(offsets[pos:start])
            if repl:
                segments.append(self._replacement_offsets(offsets, start, end, len(repl)))
                parts.append(repl)
            pos = end
        parts.append(self.text[pos:])
        segments.append(offsets[pos:])
        return TextMap("".join(parts), np.concatenate(segments))

    def _replacement_offsets(self, offsets: np.ndarray, start: int, end: int, length: int) -> np.ndarray:
        """Raw positions of ``length`` replacement characters: the replaced span's own, then its
        last one repeated (an insertion takes the position it is inserted at)."""
        span = offsets[start:end]
        if length <= len(span):
            return span[:length]
        fill = span[-1] if len(span) else (offsets[start] if start < len(offsets) else self._end())
        return np.concatenate((span, np.full(length - len(span), fill, dtype=np.int64)))

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
        if start >= end or not len(self.offsets):
            pos = int(self.offsets[start]) if start < len(self.offsets) else self._end()
            return pos, pos
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1

    def _end(self) -> int:
        return int(self.offsets[-1]) + 1 if len(self.offsets) else 0


def encode_runs(offsets: np.ndarray | list[int]) -> list[list[int]]:
    """Compress an offset map into [clean_start, raw_start, length] runs of consecutive chars
    (vectorised: a run starts wherever the raw offset does not go up by exactly one)."""
    if not len(offsets):
        return []
    raw = np.asarray(offsets, dtype=np.int64)
    starts = np.flatnonzero(np.diff(raw) != 1) + 1
    starts = np.concatenate(([0], starts))
    lengths = np.diff(np.concatenate((starts, [len(raw)])))
    return [[int(i), int(raw[i]), int(n)] for i, n in zip(starts, lengths, strict=True)]


def decode_runs(runs: list[list[int]]) -> np.ndarray:
    """The offset map of ``encode_runs``'s runs."""
    if not runs:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([np.arange(raw, raw + length, dtype=np.int64) for _, raw, length in runs])
