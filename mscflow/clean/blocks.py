"""Blocks (heading, paragraph, list item, table) and sentences of the clean text."""

from __future__ import annotations

import re
from dataclasses import dataclass

LIST_RE = re.compile(r"^\s*(?:[-•·*]\s+|\d{1,2}[.、,]\s*(?=\S)|\(\d{1,2}\)|（\d{1,2}）|[①-⑳]|\d{2}\s{1,3}(?=\S))")
TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")
SENTENCE_RE = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+[”’」』)]?|$)")
TERMINAL_RE = re.compile(r"[。！？!?;；,，:：]$")


@dataclass(frozen=True)
class Block:
    kind: str  # heading | paragraph | list_item | table
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    block: int  # index of the block the sentence belongs to


def _line_spans(text: str) -> list[tuple[int, int, str]]:
    lines: list[tuple[int, int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return lines


def ruled_table_data_lines(text: str) -> list[tuple[int, int]]:
    """Spans of the data lines of ``---|---``-ruled pipe tables (header and rule excluded).

    Found without the table parser, so the asset check that every such line became a
    table row is an independent count."""
    lines = _line_spans(text)
    out = []
    for i in sorted(_table_lines(lines)):
        start, end, line = lines[i]
        is_header = i + 1 < len(lines) and bool(TABLE_RULE_RE.match(lines[i + 1][2]))
        if not is_header and not TABLE_RULE_RE.match(line):
            out.append((start, end))
    return out


def split_blocks(text: str) -> list[Block]:
    lines = _line_spans(text)
    table_lines = _table_lines(lines)
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        start, end, line = lines[i]
        if not line.strip():
            i += 1
            continue
        if i in table_lines:
            j = i
            while j + 1 < len(lines) and (j + 1) in table_lines:
                j += 1
            blocks.append(Block("table", start, lines[j][1]))
            i = j + 1
            continue
        if LIST_RE.match(line):
            kind = "list_item"
        elif len(line) <= 40 and not TERMINAL_RE.search(line) and "。" not in line:
            kind = "heading"
        else:
            kind = "paragraph"
        blocks.append(Block(kind, start, end))
        i += 1
    return blocks


def _table_lines(lines: list[tuple[int, int, str]]) -> set[int]:
    """Indices of lines in a pipe table: a rule line, the header above it, piped rows below."""
    out: set[int] = set()
    for i, (_, _, line) in enumerate(lines):
        if TABLE_RULE_RE.match(line) and i > 0 and "|" in lines[i - 1][2]:
            out.update({i - 1, i})
            j = i + 1
            while j < len(lines) and lines[j][2].count("|") >= 2 and not TABLE_RULE_RE.match(lines[j][2]):
                out.add(j)
                j += 1
    return out


def split_sentences(text: str, blocks: list[Block]) -> list[Sentence]:
    out: list[Sentence] = []
    for b_index, block in enumerate(blocks):
        if block.kind == "table":
            continue
        for m in SENTENCE_RE.finditer(text, block.start, block.end):
            s, e = m.start(), m.end()
            while s < e and text[s].isspace():
                s += 1
            if s < e:
                out.append(Sentence(s, e, b_index))
    return out
