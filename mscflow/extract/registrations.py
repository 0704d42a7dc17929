"""Registered trials (ClinicalTrials.gov listings) from pipe tables.

Articles of the genre paste a registry search result as a table: row number, title, NCT
number, status, condition, intervention, sponsor, study type, all machine-translated. A row is
a registration when it carries a valid NCT identifier; every other field is read from the
column with the matching role (see ``mscflow.parse.tables``), so the extractor never depends on the
column order or on the translated header text. Status and study type are coded through
vocabularies (``registration_status``, ``registration_study_type``).
"""

from __future__ import annotations

import re

from ..parse.tables import PipeTable, TableRow
from ..parse.vocab import load_vocab

NCT_ID = re.compile(r"(?<![A-Za-z0-9])NCT\s?(\d{8})(?!\d)", re.IGNORECASE)
_ROW_NUMBER = re.compile(r"^\s*(\d{1,4})\s*[.、)）]?\s*$")
WHOLE_CELL_COVERAGE = 0.8  # a role-less cell is a status/type only if a term is nearly all of it

def find_nct_ids(text: str) -> list[str]:
    """Valid NCT identifiers in a text, normalised to ``NCT`` + 8 digits, in order."""
    return [f"NCT{m.group(1)}" for m in NCT_ID.finditer(text)]


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _code(vocab_name: str, table: PipeTable, row: TableRow, role: str) -> str | None:
    """Code of the cell with this role; without such a column, of a cell that is nothing but a term.

    The fallback keeps header-less listings working without reading a status out of a title
    (``已完成`` inside a sentence is not the trial's status).
    """
    vocab = load_vocab(vocab_name)
    cell = table.cell(row, role)
    if table.column(role) is not None:
        return vocab.first(cell) if cell else None
    for i, text in enumerate(row.cells):
        col = row.column_of(i)
        if col < len(table.roles) and table.roles[col] != "unknown":
            continue  # a cell with a known role (a title, a condition) is never a status
        body = re.sub(r"\s+", "", text)
        hits = vocab.find(text)
        if body and hits and sum(len(re.sub(r"\s+", "", h.term)) for h in hits) / len(body) >= WHOLE_CELL_COVERAGE:
            return hits[0].code
    return None


def _nct_id(table: PipeTable, row: TableRow) -> str | None:
    cell = table.cell(row, "nct_number")
    ids = find_nct_ids(cell) if cell else []
    if not ids and any("nct" in c.lower() for c in row.cells):
        ids = [i for c in row.cells for i in find_nct_ids(c)]
    return ids[0] if ids else None


def _row_number(table: PipeTable, row: TableRow) -> int:
    """The listing's own number when it has one, else the 1-based row position."""
    cell = table.cell(row, "row_number")
    m = _ROW_NUMBER.match(cell) if cell else None
    return int(m.group(1)) if m else row.index + 1


def extract_registrations(document_id: str, text: str, tables: list[PipeTable]) -> list[dict]:
    """One record per table row that carries an NCT number (first occurrence per document)."""
    out: list[dict] = []
    seen: set[str] = set()
    for table in tables:
        for row in table.rows:
            nct_id = _nct_id(table, row)
            if nct_id is None or nct_id in seen:
                continue
            seen.add(nct_id)
            out.append(
                {
                    "nct_id": nct_id,
                    "document_id": document_id,
                    "row_number": _row_number(table, row),
                    "title": _text(table.cell(row, "title")),
                    "status": _code("registration_status", table, row, "status"),
                    "conditions": _text(table.cell(row, "condition")),
                    "interventions": _text(table.cell(row, "intervention")),
                    "sponsor": _text(table.cell(row, "sponsor")),
                    "study_type": _code("registration_study_type", table, row, "study_type"),
                    "evidence_text": text[row.char_start : row.char_end],
                    "char_start": row.char_start,
                    "char_end": row.char_end,
                }
            )
    return out
