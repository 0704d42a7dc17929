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
        the replaced span (position by position while both sides have characters, then its
        last character's; an insertion maps to where it is inserted).

        A cleaning step makes hundreds of edits per document, so the new map is gathered from
        the old one in one indexing operation (each output character's source index built as
        runs of (first, length, step)), not sliced edit by edit."""
        ordered = sorted(edits)
        parts: list[str] = []
        pos = 0
        for start, end, repl in ordered:
            if start < pos:
                raise ValueError(f"overlapping edit at {start}")
            parts += (self.text[pos:start], repl)
            pos = end
        parts.append(self.text[pos:])
        if all(len(repl) == end - start for start, end, repl in ordered):
            return TextMap("".join(parts), self.offsets)  # one character for one: the map stands
        return TextMap("".join(parts), self._gather(self._runs(ordered)))

    def _runs(self, ordered: list[tuple[int, int, str]]) -> list[tuple[int, int, int]]:
        """Each output character's source index, as runs of (first source index, length, step
        0 or 1): kept text steps through the source, a replacement's extra characters repeat."""
        runs: list[tuple[int, int, int]] = []
        pos = 0
        for start, end, repl in ordered:
            runs.append((pos, start - pos, 1))
            direct = min(len(repl), end - start)
            runs += ((start, direct, 1), (end - 1 if end > start else start, len(repl) - direct, 0))
            pos = end
        runs.append((pos, len(self.text) - pos, 1))
        return runs

    def _gather(self, runs: list[tuple[int, int, int]]) -> np.ndarray:
        """Offsets of the source indices the runs spell out (index len(text) is the end)."""
        first, length, step = (np.asarray(c, dtype=np.int64) for c in zip(*runs, strict=True))
        total = int(length.sum())
        run_start = np.cumsum(length) - length
        within = np.arange(total, dtype=np.int64) - np.repeat(run_start, length)
        index = np.repeat(first, length) + within * np.repeat(step, length)
        source = np.append(np.asarray(self.offsets, dtype=np.int64), self._end())
        return source[index]

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
