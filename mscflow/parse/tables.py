"""Pipe tables in cleaned article text.

Articles of the genre paste tables as Markdown-ish pipe text (``a | b |`` over a ``---|---``
rule), damaged in copy-paste and machine translation: the leading pipe may be missing, rows
are ragged, cells empty, a trailing empty column appears, and a listing's header can lack the
row-number column its data rows carry. ``find_tables`` recovers every table losslessly (each
row keeps its character span and cell spans in the clean text) and maps headers to column
roles through the ``table_headers`` vocabulary, so extractors address columns by meaning
(``status``) and never by position or by the translated header text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import combinations

from .numbers import find_counts, find_doses, find_durations, find_years, leading_int
from .vocab import load_vocab

PIPES = "|｜"
UNKNOWN = "unknown"
ROW_NUMBER = "row_number"

_RULE_CELL = re.compile(r"^\s*(?::-+:?|-{2,}:?|-+:)\s*$")  # ---, :--, --:, :-: (a lone "-" is an empty cell)
_RULE_CHARS = re.compile(r"^[\s|｜:\-]*$")
_PIPE = re.compile(f"[{PIPES}]")
_ROW_NUMBER = re.compile(r"^\d{1,4}[.、)）]?$")
_BRACKETED = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_NOISE = re.compile(r"[\s:：*.。,，、/_-]+")
_CAPTION_START = re.compile(r"^(表格?|附表|table)\s*[0-9一二三四五六七八九十]", re.IGNORECASE)
CAPTION_MAX_CHARS = 80  # a longer line before a header is prose, not a caption
MIN_RULELESS_ROWS = 3  # lines in a run before a table without a ---|--- rule is believed
PLACEMENT_MARGIN = 0.5  # how much better a mid-row gap must fit than a gap at the end
MIN_ROLE_COVERAGE = 0.5  # share of a header's characters a vocabulary term must cover
MIN_INFERRED_SHARE = 0.6  # share of a column's filled cells that must agree on an inferred role
ROLE_SAMPLE = 60  # filled cells of a column that decide its inferred role


@dataclass(frozen=True)
class TableRow:
    """One data row of a pipe table, with its span in the clean text."""

    index: int  # 0-based data-row index within the table (header and rule excluded)
    cells: tuple[str, ...]
    char_start: int  # span of the whole row line in the clean text
    char_end: int
    cell_spans: tuple[tuple[int, int], ...] = ()
    # header column of each cell; differs from 0..n-1 only for a short row whose missing cell
    # is not the last one (see ``_place_short_rows``); empty means positional
    columns: tuple[int, ...] = ()

    def column_of(self, cell_index: int) -> int:
        """Header column that cell ``cell_index`` belongs to."""
        return self.columns[cell_index] if self.columns else cell_index


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
    header_raw: tuple[str, ...] = ()  # header cells as written, before realignment
    shifted: bool = False  # header realigned by one column to a leading row-number column
    has_rule: bool = True  # False for a run of pipe lines without a ---|--- rule

    @property
    def kind(self) -> str:
        """registry (lists NCT numbers) | trial (lists patients per study) | other."""
        if "nct_number" in self.roles:
            return "registry"
        if "patients" in self.roles or "patient_count" in self.roles:
            return "trial"
        return "other"

    def column(self, role: str) -> int | None:
        """Index of the first column with this role, or None."""
        return self.roles.index(role) if role in self.roles else None

    def cell(self, row: TableRow, role: str) -> str | None:
        """The row's cell in the column with this role (None when absent or ragged)."""
        col = self.column(role)
        if col is None:
            return None
        for i in range(len(row.cells)):
            if row.column_of(i) == col:
                return row.cells[i]
        return None


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def piped(self) -> bool:
        return any(p in self.text for p in PIPES)


def _lines(text: str) -> list[_Line]:
    out = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        out.append(_Line(pos, pos + len(body), body))
        pos += len(raw)
    return out


def split_cells(line: str, offset: int = 0) -> list[tuple[str, int, int]]:
    """Cells of one pipe line as (text, start, end), spans of the stripped text.

    An outer pipe is a border, not an empty cell: the piece before the first pipe is dropped
    when blank, and so is the piece after the last pipe. Inner empty cells are kept.
    """
    pieces = _PIPE.split(line)
    if len(pieces) == 1:
        return []
    starts, pos = [], 0
    for piece in pieces:  # where each piece starts: after the previous one and its pipe
        starts.append(pos)
        pos += len(piece) + 1
    first = 1 if not pieces[0].strip() else 0
    last = len(pieces) - 1 if not pieces[-1].strip() else len(pieces)
    cells = []
    for piece, s in zip(pieces[first:last], starts[first:last], strict=True):
        body = piece.strip()
        cs = offset + s + (len(piece) - len(piece.lstrip())) if body else offset + s
        cells.append((body, cs, cs + len(body)))
    return cells


def is_rule_line(line: str) -> bool:
    """True for a header rule such as ``---|---|`` or ``| :--- | ---: |``."""
    if not _RULE_CHARS.match(line) or not any(p in line for p in PIPES):
        return False  # a rule is made of dashes, colons, pipes and spaces only
    cells = split_cells(line)
    return bool(cells) and all(_RULE_CELL.match(c) for c, _, _ in cells)


def header_role(header: str) -> str:
    """Column role of one header cell, by meaning, through the ``table_headers`` vocabulary.

    The longest vocabulary term found must cover at least half of the header (ignoring
    bracketed notes and punctuation), so ``学习类型`` is study_type rather than study, and a
    comparison header like ``造血干细胞移植`` stays unknown.
    """
    core = _NOISE.sub("", _BRACKETED.sub("", header)) or _NOISE.sub("", header)
    if not core:
        return UNKNOWN
    hits = load_vocab("table_headers").find(header)
    if not hits:
        return UNKNOWN
    best = max(hits, key=lambda m: len(_NOISE.sub("", m.term)))
    if len(_NOISE.sub("", best.term)) / len(core) < MIN_ROLE_COVERAGE:
        return UNKNOWN
    return best.code


def header_roles(header: Iterable[str]) -> tuple[str, ...]:
    """Roles for a whole header (see ``header_role``). A header word that renders two roles
    (``状况``: Status or Conditions) takes its alternative when the role it names is taken by
    another column and the alternative is free (vocabulary ``alternatives``)."""
    header = list(header)
    roles = [header_role(h) for h in header]
    vocab = load_vocab("table_headers")
    for i, (cell, role) in enumerate(zip(header, roles, strict=True)):
        alternative = (vocab.attr(role, "alternatives") or {}).get(_NOISE.sub("", cell)) if role != UNKNOWN else None
        if alternative and roles.count(role) > 1 and alternative not in roles:
            roles[i] = alternative
    return tuple(roles)


# --- column roles from cell content -------------------------------------------------------------
# A machine-translated header that the vocabulary does not know (``人口`` for Population, ``试用``
# for Trial) says nothing, but its cells do: authors with a year, a leading head count, design
# words, doses, a bare duration, an NCT id. Only ``unknown`` columns are inferred; a header the
# vocabulary maps is never overridden.

_NCT = re.compile(r"^\s*NCT\d{8}\s*$", re.IGNORECASE)
_AUTHOR_CELL = re.compile(
    r"(?:[A-Za-z\u4e00-\u9fff][^|]{0,30}?(?:等人?|et\.?\s?al))"
    r"|^\s*[A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]*)*\.?\s*[,，(（]?\s*(?:19[5-9]\d|20[0-3]\d)"
)
# a cell that opens with a head count: "30", "30 (18-50岁)", "n=30", "30例…", not "3期", "12个月", "2×10^6"
_LEADING_COUNT = re.compile(
    r"^\s*(?:[nN]\s*[=＝:：]\s*)?\d{1,5}(?![\d.])\s*(?:例|名|位|人|个|個|歲|岁)?\s*"
    r"(?:$|[(（\[,，;；]|(?<=[例名位人个個歲岁])|(?<=\s))"
)
_NOT_COUNT_AFTER = re.compile(r"^\s*(?:期|年|个?月|個?月|周|週|天|日|次|%|[x×X*＊]|/|mg|ml|mL)")
_DURATION_LEFTOVER = re.compile(r"[\s,，;；:：()（）\-–~至到]|中位|平均|随访|隨訪|追踪|追蹤|观察|觀察|长达|長達|约|約|共|以上|后|後")
_CLASSIFIERS = ("nct_number", "study", "transplant", "design", "follow_up", "patients", "cell_source")


def _duration_only(cell: str) -> bool:
    """A cell that is a duration and little else (``24个月``, ``中位随访3年``)."""
    found = find_durations(cell)
    if not found:
        return False
    rest = cell
    for d in sorted(found, key=lambda d: -d.start):
        rest = rest[: d.start] + rest[d.end :]
    return len(_DURATION_LEFTOVER.sub("", rest)) <= 2


def _head_count(text: str) -> bool:
    """A cell that opens with a head count (``30``, ``30 (18-50岁)``, ``n=30``, ``30例…``)."""
    m = _LEADING_COUNT.match(text)
    if m and leading_int(text.lstrip("nN=＝:： ")) is not None and not _NOT_COUNT_AFTER.match(
            re.sub(r"^\s*(?:[nN]\s*[=＝:：]\s*)?\d+", "", text)):
        return True
    counts = find_counts(text)
    return bool(counts) and counts[0].start <= 2


def cell_role(cell: str) -> str | None:
    """The column role one cell's content suggests, or None when it suggests none."""
    text = cell.strip()
    if not text:
        return None
    if _NCT.match(text):
        return "nct_number"
    if _AUTHOR_CELL.search(text) and (find_years(text) or re.search(r"(?<!\d)(?:19[5-9]\d|20[0-3]\d)(?!\d)", text)
                                       or re.search(r"等人?|et\.?\s?al", text)) and not find_doses(text):
        return "study"
    if [d for d in find_doses(text) if d.kind == "single"]:
        return "transplant"
    if _head_count(text):
        return "patients"
    if load_vocab("design").codes_in(text) or load_vocab("phase").codes_in(text):
        return "design"
    if _duration_only(text):
        return "follow_up"
    if load_vocab("route").codes_in(text):
        return "transplant"
    if load_vocab("cell_type").codes_in(text) or load_vocab("tissue_source").codes_in(text):
        return "cell_source"
    return None


def _consecutive(cells: list[str]) -> bool:
    """1, 2, 3 …: a row-number column, not a column of patient counts."""
    if not all(_ROW_NUMBER.match(c.strip()) for c in cells):
        return False
    nums = [int(re.match(r"\d+", c.strip()).group()) for c in cells]
    return len(nums) >= 2 and nums == list(range(nums[0], nums[0] + len(nums)))


def infer_column_role(cells: Iterable[str]) -> str:
    """The role most filled cells of one column agree on (``unknown`` when they do not); the
    first ``ROLE_SAMPLE`` filled cells decide, so a table of thousands of rows costs no more."""
    filled = [c for c in cells if c and c.strip()][:ROLE_SAMPLE]
    if not filled:
        return UNKNOWN
    if _consecutive(filled):
        return ROW_NUMBER
    votes = Counter(cell_role(c) for c in filled)
    role, n = max(((r, k) for r, k in votes.items() if r), key=lambda rk: rk[1], default=(None, 0))
    if role is None or n < MIN_INFERRED_SHARE * len(filled) or (len(filled) == 1 and role == "patients"):
        return UNKNOWN
    return role


_SAME_ROLE = {"patients": {"patients", "patient_count"}, "study": {"study"}, "follow_up": {"follow_up"},
              "nct_number": {"nct_number"}, ROW_NUMBER: {ROW_NUMBER}}


def infer_roles(roles: tuple[str, ...], rows: Iterable[TableRow]) -> tuple[str, ...]:
    """Roles with every ``unknown`` column inferred from its cells; mapped headers stay as they are.

    A role that identifies a row (study, patient count, follow-up, NCT id, row number) is given
    to one column only: a second column that looks the same keeps ``unknown``.
    """
    rows = list(rows)
    if UNKNOWN not in roles or not rows:
        return roles
    out = list(roles)
    by_column: dict[int, list[str]] = {}
    for r in rows:  # one pass over the cells, not one per column
        for i, c in enumerate(r.cells):
            by_column.setdefault(r.column_of(i), []).append(c)
    for col, role in enumerate(roles):
        if role != UNKNOWN:
            continue
        guess = infer_column_role(by_column.get(col, []))
        taken = _SAME_ROLE.get(guess)
        if guess == UNKNOWN or (taken and taken & set(out)):
            continue
        out[col] = guess
    return tuple(out)


def _row(index: int, line: _Line) -> TableRow:
    cells = split_cells(line.text, line.start)
    return TableRow(
        index=index,
        cells=tuple(c for c, _, _ in cells),
        char_start=line.start,
        char_end=line.end,
        cell_spans=tuple((s, e) for _, s, e in cells),
    )


def _trim_trailing_empty(cells: tuple[str, ...]) -> tuple[str, ...]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _align(header: tuple[str, ...], rows: list[TableRow]) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """Header and roles lined up with the data rows.

    A registry listing copied from a web page often loses the header cell of its row-number
    column: the header then has one cell fewer (or a trailing empty cell instead) while
    every data row starts with its number. Such a header is shifted right by one column and
    the new first column gets the ``row_number`` role.
    """
    roles = header_roles(header)
    if not rows or not header or roles[0] == ROW_NUMBER:
        return header, roles, False
    core = _trim_trailing_empty(header)
    width = Counter(len(_trim_trailing_empty(r.cells)) for r in rows).most_common(1)[0][0]
    numbered = sum(1 for r in rows if r.cells and _ROW_NUMBER.match(r.cells[0]))
    if core and width == len(core) + 1 and numbered >= max(1, 0.8 * len(rows)):
        aligned = ("", *core)
        return aligned, (ROW_NUMBER, *header_roles(core)), True
    return header, roles, False


def _profile(rows: list[TableRow], width: int) -> list[tuple[Counter[str], float]]:
    """Per column: the characters its full-width cells use, and their mean length."""
    full = [r for r in rows if len(r.cells) == width]
    out = []
    for col in range(width):
        texts = [r.cells[col] for r in full]
        chars: Counter[str] = Counter("".join(texts).replace(" ", ""))
        out.append((chars, sum(len(t) for t in texts) / max(1, len(texts))))
    return out


def _fit(cell: str, column: tuple[Counter[str], float]) -> float:
    """How much a cell looks like the cells of a column: shared characters and length."""
    chars, mean_len = column
    body = cell.replace(" ", "")
    if not body or not chars:
        return 0.5
    shared = sum(1 for ch in body if ch in chars) / len(body)
    length = min(len(body), mean_len) / max(len(body), mean_len, 1)
    return shared + length


def _place_short_rows(rows: list[TableRow], width: int) -> list[TableRow]:
    """Assign the cells of rows with one or two missing cells to the most similar columns.

    A row that lost a middle cell in copy-paste would otherwise shift every later cell into
    the wrong role (a reference number read as the study type). The cells keep their order;
    a gap is placed only where it clearly fits the full-width rows better than a gap at
    the end, so a short row stays positional when the evidence is weak.
    """
    profile = _profile(rows, width)
    if not any(chars for chars, _ in profile):
        return rows
    out = []
    for row in rows:
        missing = width - len(row.cells)
        if not row.cells or not 1 <= missing <= 2:
            out.append(row)
            continue

        def score(cols: tuple[int, ...], row: TableRow = row) -> float:
            return sum(_fit(c, profile[k]) for c, k in zip(row.cells, cols, strict=True))

        positional = tuple(range(len(row.cells)))
        best = max(combinations(range(width), len(row.cells)), key=score)
        if score(best) > score(positional) + PLACEMENT_MARGIN:
            out.append(replace(row, columns=best))
        else:
            out.append(row)
    return out


def _caption(lines: list[_Line], header_at: int, taken: set[int]) -> str | None:
    """The non-empty line before a header, when it reads like a caption (short, or 表N...)."""
    k = header_at - 1
    while k >= 0 and lines[k].blank:
        k -= 1
    if k < 0 or k in taken or lines[k].piped:
        return None
    text = lines[k].text.strip()
    if len(text) <= CAPTION_MAX_CHARS or _CAPTION_START.match(text):
        return text
    return None


def _ruled_blocks(lines: list[_Line]) -> list[tuple[int | None, int, list[int]]]:
    """(header line, rule line, data lines) for every ``---|---`` rule."""
    blocks = []
    n = len(lines)
    i = 0
    while i < n:
        if not is_rule_line(lines[i].text):
            i += 1
            continue
        header_at = i - 1 if i > 0 and lines[i - 1].piped and not is_rule_line(lines[i - 1].text) else None
        data: list[int] = []
        j = i + 1
        while j < n:
            if lines[j].blank:
                # a blank line inside a table is tolerated when a further row follows
                k = j
                while k < n and lines[k].blank:
                    k += 1
                if k < n and _continues(lines, k):
                    j = k
                    continue
                break
            if not _continues(lines, j):
                break
            data.append(j)
            j += 1
        blocks.append((header_at, i, data))
        i = j
    return blocks


def _continues(lines: list[_Line], j: int) -> bool:
    """A pipe line that is a data row: not a rule and not the header of a next table."""
    line = lines[j]
    if not line.piped or is_rule_line(line.text):
        return False
    return not (j + 1 < len(lines) and is_rule_line(lines[j + 1].text))


def _ruleless_runs(lines: list[_Line], taken: set[int]) -> list[list[int]]:
    """Runs of consecutive pipe lines with three or more cells and similar widths.

    Catches a table whose rule line was lost; a single line with pipes (a breadcrumb, an
    inline ``a | b``) never qualifies.
    """
    runs: list[list[int]] = []
    current: list[int] = []
    for k, line in enumerate(lines + [_Line(0, 0, "")]):
        wide = k < len(lines) and k not in taken and len(split_cells(line.text)) >= 3
        if wide:
            current.append(k)
            continue
        if len(current) >= MIN_RULELESS_ROWS:
            widths = [len(split_cells(lines[c].text)) for c in current]
            common = Counter(widths).most_common(1)[0][0]
            if sum(1 for w in widths if abs(w - common) <= 1) == len(widths):
                runs.append(current)
        current = []
    return runs


def find_tables(text: str) -> list[PipeTable]:
    """Every pipe table in the clean text, in text order, with caption, roles and spans."""
    lines = _lines(text)
    ruled = _ruled_blocks(lines)
    taken: set[int] = set()
    for header_at, rule_at, data in ruled:
        taken.update([rule_at, *data])
        if header_at is not None:
            taken.add(header_at)
    # (first line, header line or None, data lines, has_rule)
    spans: list[tuple[int, int | None, list[int], bool]] = [
        (rule_at if header_at is None else header_at, header_at, data, True)
        for header_at, rule_at, data in ruled
    ]
    for run in _ruleless_runs(lines, taken):
        first_cells = [c for c, _, _ in split_cells(lines[run[0]].text)]
        named = sum(1 for r in header_roles(first_cells) if r != UNKNOWN)
        if named * 2 >= len(first_cells):
            spans.append((run[0], run[0], run[1:], False))
        else:
            spans.append((run[0], None, run, False))
    spans.sort(key=lambda s: s[0])
    tables = []
    for index, (first, header_at, data, has_rule) in enumerate(spans):
        header_raw = (
            tuple(c for c, _, _ in split_cells(lines[header_at].text)) if header_at is not None else ()
        )
        rows = [_row(n, lines[k]) for n, k in enumerate(data)]
        header, roles, shifted = _align(header_raw, rows)
        rows = _place_short_rows(rows, len(header))
        roles = infer_roles(roles, rows)
        tables.append(
            PipeTable(
                index=index,
                caption=_caption(lines, first, taken),
                header=header,
                roles=roles,
                rows=tuple(rows),
                char_start=lines[first].start,
                char_end=max(rows[-1].char_end if rows else 0, lines[first].end),
                header_raw=header_raw,
                shifted=shifted,
                has_rule=has_rule,
            )
        )
    return tables


def table_row_records(document_id: str, tables: Iterable[PipeTable]) -> list[dict]:
    """One ``table_rows`` record per source data row, lossless (rows in = rows out)."""
    return [
        {
            "document_id": document_id,
            "table_index": t.index,
            "row_index": r.index,
            "caption": t.caption,
            "table_kind": t.kind,
            "header": json.dumps(list(t.header), ensure_ascii=False),
            "cells": json.dumps(list(r.cells), ensure_ascii=False),
            "n_cells": len(r.cells),
            "char_start": r.char_start,
            "char_end": r.char_end,
        }
        for t in tables
        for r in t.rows
    ]
