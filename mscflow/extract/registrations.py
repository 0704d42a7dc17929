"""Registered trials: ClinicalTrials.gov (NCT…) and Chinese Clinical Trial Registry (ChiCTR…)
entries, from listings and from key|value entries.

Articles of the genre paste a registry search result as a table: row number, title, trial id,
status, condition, intervention, sponsor, study type, all machine-translated. A row is a
registration when it carries a valid trial id; every other field is read from the column with
the matching role (see ``mscflow.parse.tables``), so the extractor never depends on the column
order or on the translated header text. A registry page shows one trial as ``key | value``
lines (``注册号: | ChiCTR2100047321``), or saved as text with each key and value on lines of their
own (``注册号:`` / ``Registration number:`` / ``ChiCTR…``); the keys take the same roles. Status and study type are
coded through vocabularies (``registration_status``, ``registration_study_type``).
"""

from __future__ import annotations

import re

from ..parse.tables import UNKNOWN, PipeTable, TableRow, header_role
from ..parse.vocab import load_vocab

NCT_ID = re.compile(r"(?<![A-Za-z0-9])NCT\s?(\d{8})(?!\d)", re.IGNORECASE)
CHICTR_ID = re.compile(r"(?<![A-Za-z0-9])ChiCTR-?((?:[A-Z]{2,4}-)?\d{8,10})(?!\d)", re.IGNORECASE)
_KV_LINE = re.compile(r"^\s*[|｜]?\s*([^|｜:：]{1,16}?)\s*[:：]?\s*[|｜]\s*(.*?)\s*[|｜]?\s*$")
_ROW_NUMBER = re.compile(r"^\s*(\d{1,4})\s*[.、)）]?\s*$")
WHOLE_CELL_COVERAGE = 0.8  # a role-less cell is a status/type only if a term is nearly all of it

def find_nct_ids(text: str) -> list[str]:
    """Valid NCT identifiers in a text, normalised to ``NCT`` + 8 digits, in order."""
    return [f"NCT{m.group(1)}" for m in NCT_ID.finditer(text)]


def find_trial_ids(text: str) -> list[tuple[str, str]]:
    """(trial id, registry) of every NCT and ChiCTR identifier in a text, in order."""
    found = [(m.start(), f"NCT{m.group(1)}", "clinicaltrials_gov") for m in NCT_ID.finditer(text)]
    found += [(m.start(), f"ChiCTR{m.group(1).upper()}", "chictr") for m in CHICTR_ID.finditer(text)]
    return [(tid, reg) for _, tid, reg in sorted(found)]


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


def _trial_id(table: PipeTable, row: TableRow) -> tuple[str, str] | None:
    cell = table.cell(row, "nct_number")
    ids = find_trial_ids(cell) if cell else []
    if not ids and any("nct" in c.lower() or "chictr" in c.lower() for c in row.cells):
        ids = [i for c in row.cells for i in find_trial_ids(c)]
    return ids[0] if ids else None


def _row_number(table: PipeTable, row: TableRow) -> int:
    """The listing's own number when it has one, else the 1-based row position."""
    cell = table.cell(row, "row_number")
    m = _ROW_NUMBER.match(cell) if cell else None
    return int(m.group(1)) if m else row.index + 1


def _row_registration(document_id: str, text: str, table: PipeTable, row: TableRow, trial: tuple[str, str]) -> dict:
    return {
        "nct_id": trial[0],
        "registry": trial[1],
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


def _kv_blocks(text: str) -> list[list[tuple[int, int, str, str]]]:
    """Runs of ``key | value`` lines whose keys are registry fields: (start, end, role, value)."""
    blocks, current, pos = [], [], 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        m = _KV_LINE.match(line)
        role = header_role(m.group(1)) if m else UNKNOWN
        if m and (role != UNKNOWN or current):
            current.append((start, end, role, m.group(2)))
            continue
        if current:
            blocks.append(current)
        current = []
    if current:
        blocks.append(current)
    return [b for b in blocks if any(role == "nct_number" for _, _, role, _ in b)]


# a registry page saved as text puts each key on its own line and the value on a later one, an
# English label between them (注册号: / Registration number: / ChiCTR2400081234)
_STACKED_KEY = re.compile(r"^\s*([^:：|｜]{1,40}?)\s*[:：]\s*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _stacked_lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line), line.strip()))
        pos += len(line) + 1
    return out


def _stacked_value(lines: list[tuple[int, int, str]], i: int, role: str) -> tuple[int, str] | None:
    """The value of the key at ``lines[i]``: the first line after it, before the next key in the
    page's own language, that is no label; a Chinese one first (the English translation follows),
    an id for the id key."""
    found: list[tuple[int, str]] = []
    for j in range(i + 1, min(i + 6, len(lines))):
        line = lines[j][2]
        if _STACKED_KEY.match(line):
            if _CJK.search(line):
                break
            continue
        found.append((j, line))
    if role == "nct_number":
        found = [f for f in found if find_trial_ids(f[1])]
    return next((f for f in found if _CJK.search(f[1])), found[0] if found else None)


def _stacked_blocks(text: str) -> list[list[tuple[int, int, str, str]]]:
    """A registry entry whose keys and values stand on lines of their own: (start, end, role, value)
    per Chinese key with a known role, when one of them carries a trial id."""
    lines = _stacked_lines(text)
    block = []
    for i, (start, _, line) in enumerate(lines):
        m = _STACKED_KEY.match(line)
        role = header_role(m.group(1)) if m and _CJK.search(m.group(1)) else UNKNOWN
        value = _stacked_value(lines, i, role) if role != UNKNOWN else None
        if value is not None:
            block.append((start, lines[value[0]][1], role, value[1]))
    return [block] if any(role == "nct_number" for _, _, role, _ in block) else []


def _kv_registration(document_id: str, text: str, block: list[tuple[int, int, str, str]], number: int) -> dict | None:
    values: dict[str, str] = {}
    for _, _, role, value in block:
        values.setdefault(role, value)  # the first value of a role: the registry's own id first
    ids = find_trial_ids(values.get("nct_number", ""))
    if not ids:
        return None
    start, end = block[0][0], max(e for _, e, _, _ in block)
    return {
        "nct_id": ids[0][0], "registry": ids[0][1], "document_id": document_id, "row_number": number,
        "title": _text(values.get("title")), "status": _value_code("registration_status", values.get("status")),
        "conditions": _text(values.get("condition")), "interventions": _text(values.get("intervention")),
        "sponsor": _text(values.get("sponsor")),
        "study_type": _value_code("registration_study_type", values.get("study_type")),
        "evidence_text": text[start:end], "char_start": start, "char_end": end,
    }


def _value_code(vocab_name: str, value: str | None) -> str | None:
    return load_vocab(vocab_name).first(value) if value else None


def extract_registrations(document_id: str, text: str, tables: list[PipeTable]) -> list[dict]:
    """One record per registered trial a listing row or a key|value entry carries (first
    occurrence per document; an entry's id on another registry is the same trial)."""
    out: list[dict] = []
    seen: set[str] = set()
    blocks = _kv_blocks(text) or _stacked_blocks(text)
    for number, block in enumerate(blocks, start=1):
        rec = _kv_registration(document_id, text, block, number)
        if rec and rec["nct_id"] not in seen:
            seen.add(rec["nct_id"])
            seen.update(tid for _, _, _, v in block for tid, _ in find_trial_ids(v))
            out.append(rec)
    kv_spans = [(b[0][0], max(e for _, e, _, _ in b)) for b in blocks]
    for table in tables:
        for row in table.rows:
            trial = _trial_id(table, row)
            if trial is None or trial[0] in seen or any(a <= row.char_start < b for a, b in kv_spans):
                continue
            seen.add(trial[0])
            out.append(_row_registration(document_id, text, table, row, trial))
    return out
