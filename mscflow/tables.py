"""Pipe tables in cleaned article text.

Interface (owned by the tables work): ``find_tables(text) -> list[PipeTable]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableRow:
    """One data row of a pipe table, with its span in the clean text."""

    index: int  # 0-based data-row index within the table (header and rule excluded)
    cells: tuple[str, ...]
    char_start: int  # span of the whole row line in the clean text
    char_end: int
    cell_spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class PipeTable:
    """A pipe table: caption, header mapped to column roles, rows."""

    index: int  # 0-based table index within the document
    caption: str | None
    header: tuple[str, ...]
    roles: tuple[str, ...]  # one column role per header cell ("unknown" when not mapped)
    rows: tuple[TableRow, ...] = field(default_factory=tuple)
    char_start: int = 0
    char_end: int = 0


def find_tables(text: str) -> list[PipeTable]:
    raise NotImplementedError
