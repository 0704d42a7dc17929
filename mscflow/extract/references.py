"""Reference lists and in-text citation markers.

Articles of the genre end with a reference list, numbered ``【1】`` or ``[1]`` at line start,
after a heading (``参考文献``, ``参考资料``, ``References``) or as a bare trailing block; entries
mix styles (GB/T 7714 ``作者.题名[J].刊名,年``, APA ``Authors (2012), Title. Journal``,
Vancouver ``Authors et al. Title. Journal 15, 1-9 (2021)``, Elsevier comma lists). The parser
keeps every entry with its span and fills authors, title, journal, year, DOI and PMID on a
best-effort basis; DOI, PMID and year are pattern-exact, the rest heuristic.

In-text markers (``[12]``, ``【3】``, ``[5-7]``, ``[7, 12-15]``) let the studies extractor link
a study sentence or a table row to its reference entry.
"""

from __future__ import annotations

import hashlib
import re

_MARKER_AT_START = re.compile(r"^\s*(?:【\s*(\d{1,3})\s*】|\[\s*(\d{1,3})\s*\]|［\s*(\d{1,3})\s*］)\s*")
_NUMBER_AT_START = re.compile(r"^\s*(?:(\d{1,3})\s*[.、．]\s*|[(（](\d{1,3})[)）]\s*)(?=\S)")
_HEADING = re.compile(
    r"^\s*(?:#+\s*)?(参考文献|参考资料|参考来源|文献来源|引用文献|引文|references?|bibliography|literature cited)"
    r"\s*[:：]?\s*$",
    re.IGNORECASE,
)
_IN_TEXT = re.compile(r"(?:【|\[|［)\s*(\d{1,3}(?:\s*[-–~～,，、]\s*\d{1,3})*)\s*(?:】|\]|］)")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s,;，；()（）\"“”<>]+)", re.IGNORECASE)
_PMID = re.compile(r"\bPMID\s*[:：]?\s*(\d{1,9})\b", re.IGNORECASE)
_URL = re.compile(r"\(?(?:https?://|www\.)\S+\)?", re.IGNORECASE)
_ISSN = re.compile(r"\bISSN\s*[:：]?\s*\d{4}-\d{3}[\dXx]\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_PAREN_YEAR = re.compile(r"\s*[(（]((?:19|20)\d{2})[a-z]?[)）]\s*[.,，]?\s*")
_ET_AL = re.compile(r"(?:\bet\s+al\.?|等人?\s*[.．。]?)\s*")
_GB_TYPE = re.compile(r"\[(?:J|M|D|C|N|R|S|P|Z|EB/OL|J/OL)\]\s*[.．]?\s*")
_SENTENCE_END = re.compile(r"(?<=[^\s.A-Z])[.．]\s+(?=\S)|(?<=[^\s.A-Z])[.．](?=[\u4e00-\u9fff])|。")
_JOURNAL_END = re.compile(r"\s*(?:[,，;；.．。]|\d|Volume\b|Vol\b|卷)", re.IGNORECASE)
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]*\.?){0,3}$")
_HAN_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_NAME_SPLIT = re.compile(r"\s*[,，、;；]\s*|\s+and\s+|\s*&\s*")
MAX_RANGE = 50  # a marker range longer than this is not a citation ([1-200] is something else)

def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        out.append((pos, pos + len(body), body))
        pos += len(raw)
    return out


def _marker(line: str, numbered_plain: bool) -> tuple[str | None, int]:
    """(marker, length of the marker prefix) of a reference line, or (None, 0)."""
    m = _MARKER_AT_START.match(line)
    if not m and numbered_plain:
        m = _NUMBER_AT_START.match(line)
    if not m:
        return None, 0
    number = next(g for g in m.groups() if g is not None)
    return str(int(number)), m.end()


def _looks_like_citation(line: str) -> bool:
    return bool(_YEAR.search(line) or _DOI.search(line) or _URL.search(line) or _PMID.search(line))


def _listed_after_heading(lines: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The first run of marked or citation-like lines after the last reference heading."""
    heading = max((k for k, (_, _, t) in enumerate(lines) if _HEADING.match(t)), default=None)
    if heading is None:
        return []
    picked = []
    for start, end, body in lines[heading + 1 :]:
        if not body.strip():
            continue
        if "|" in body or not (_marker(body, True)[0] or _looks_like_citation(body)):
            if picked:
                break
            continue
        picked.append((start, end, body))
    return picked


def _trailing_citation_block(lines: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """With no heading: the last run of marker-led lines that read like citations."""
    block: list[tuple[int, int, str]] = []
    best: list[tuple[int, int, str]] = []
    for start, end, body in lines:
        if not body.strip():
            continue
        if "|" not in body and _marker(body, False)[0] and _looks_like_citation(body):
            block.append((start, end, body))
        else:
            if block:
                best = block
            block = []
    return block or best


def _reference_lines(text: str) -> list[tuple[int, int, str]]:
    """Lines of the reference list: after a heading, or a trailing block of marked citations."""
    lines = _lines(text)
    return _listed_after_heading(lines) or _trailing_citation_block(lines)


def reference_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the reference-list lines (not prose: a study is never told there)."""
    return [(start, end) for start, end, _ in _reference_lines(text)]


def _clean_tail(entry: str) -> str:
    """Entry text without URLs, DOI, PMID and ISSN, which would confuse the field split."""
    for pattern in (_URL, _DOI, _PMID, _ISSN):
        entry = pattern.sub(" ", entry)
    entry = re.sub(r"\bDOI\s*[:：]?\s*(?=[.;,]|\s|$)", " ", entry, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", entry).strip(" .;,，")


def _looks_like_authors(part: str) -> bool:
    names = [n for n in _NAME_SPLIT.split(part.strip(" .,，")) if n]
    if not names:
        return False
    ok = sum(1 for n in names if _LATIN_NAME.match(n) or _HAN_NAME.match(n) or len(n) <= 4)
    return ok / len(names) >= 0.8


def _journal(rest: str) -> str | None:
    rest = rest.strip(" .,，;；")
    m = _JOURNAL_END.search(rest)
    journal = (rest[: m.start()] if m else rest).strip()
    return journal or None


def _sentences(text: str) -> list[str]:
    return [p.strip() for p in _SENTENCE_END.split(text) if p.strip()]


def _gb_fields(body: str, gb: re.Match) -> tuple[str | None, str | None, str | None]:
    """GB/T 7714 ``作者.题名[J].刊名,年,卷(期):页.``: (authors, title, journal)."""
    head = body[: gb.start()]
    parts = re.split(r"[.．。]\s*", head, maxsplit=1)
    journal = _journal(body[gb.end() :])
    if len(parts) == 2 and _looks_like_authors(parts[0]):
        return parts[0], parts[1], journal
    return None, head, journal


def _comma_list_fields(body: str) -> tuple[str | None, str, str | None, str | None]:
    """Comma-separated entry: the leading name-like segments are the authors; with no sentence
    break after them, the next segment is the title and the rest the journal.
    (authors, rest, title, journal)."""
    segments = re.split(r"\s*[,，]\s*", body)
    k = 0
    while k < len(segments) and _looks_like_authors(segments[k]) and len(segments[k]) <= 30:
        k += 1
    if not k:
        return None, body, None, None
    rest = ", ".join(segments[k:])
    if len(segments) > k + 1 and not _sentences(rest)[1:]:
        return ", ".join(segments[:k]), rest, segments[k], _journal(", ".join(segments[k + 1 :]))
    return ", ".join(segments[:k]), rest, None, None


def _split_authors(body: str, paren_year: re.Match | None) -> tuple[str | None, str, str | None, str | None]:
    """(authors, rest, title, journal) of a non-GB entry; the first style that fits wins:
    APA ``Authors (2012), Title.``, ``Authors et al. Title.``, a name sentence, a comma list."""
    if paren_year and paren_year.start() < len(body) // 2:
        return body[: paren_year.start()], body[paren_year.end() :], None, None
    et_al = _ET_AL.search(body)
    if et_al and et_al.start() < len(body) // 2:
        return body[: et_al.end()], body[et_al.end() :], None, None
    sentences = _sentences(body)
    if len(sentences) >= 3 and _looks_like_authors(sentences[0]):
        return sentences[0], body[body.index(sentences[1]) :], None, None
    return _comma_list_fields(body)


def _title_and_journal(rest: str) -> tuple[str | None, str | None]:
    """What follows the authors: its first sentence is the title, the next starts the journal."""
    sentences = _sentences(rest)
    if not sentences:
        return None, None
    if len(sentences) > 1:
        return sentences[0], _journal(rest[rest.index(sentences[1]) :])
    return sentences[0], None


def _authors_title_journal(body: str, paren_year: re.Match | None) -> tuple[str | None, str | None, str | None]:
    """Split the entry by its style: GB/T 7714 when it has a ``[J]`` type mark, else by authors."""
    gb = _GB_TYPE.search(body)
    if gb:
        return _gb_fields(body, gb)
    authors, rest, title, journal = _split_authors(body, paren_year)
    if title is None and rest:
        title, journal = _title_and_journal(rest)
    return authors, title, journal


def _strip_field(value: str | None) -> str | None:
    """Surrounding punctuation off; nothing left is no value (an empty string stays as it was)."""
    return (value.strip(" .,，;；") or None) if value else value


def parse_citation(entry: str) -> dict:
    """authors, title, journal, year, doi, pmid of one citation (marker already removed)."""
    doi = _DOI.search(entry)
    pmid = _PMID.search(entry)
    body = _clean_tail(entry)
    paren_year = _PAREN_YEAR.search(body)
    year_match = paren_year or _YEAR.search(body)
    authors, title, journal = _authors_title_journal(body, paren_year)
    return {
        "authors": authors.strip(" .,，") if authors else None,
        "title": _strip_field(title),
        "journal": _strip_field(journal),
        "year": int(year_match.group(1)) if year_match else None,
        "doi": doi.group(1).rstrip(".") if doi else None,
        "pmid": pmid.group(1) if pmid else None,
    }


def reference_id(document_id: str, marker: str | None, evidence_text: str) -> str:
    """Content-derived id: reruns give the same id, two entries of one document never share it."""
    norm = re.sub(r"\s+", " ", evidence_text).strip()
    return hashlib.sha256(f"{document_id}\n{marker}\n{norm}".encode()).hexdigest()[:16]


def extract_references(document_id: str, text: str) -> list[dict]:
    """Reference-list entries with parsed fields and their span in the clean text.

    A line without a marker inside a numbered list continues the entry before it.
    """
    lines = _reference_lines(text)
    numbered = any(_marker(body, True)[0] for _, _, body in lines)
    entries: list[list] = []  # [marker, start, end]
    for start, end, body in lines:
        marker, _ = _marker(body, True)
        if marker is None and numbered and entries:
            entries[-1][2] = end
            continue
        entries.append([marker, start, end])
    out = []
    for marker, start, end in entries:
        evidence = text[start:end]
        _, prefix = _marker(evidence, True)
        out.append(
            {
                "reference_id": reference_id(document_id, marker, evidence),
                "document_id": document_id,
                "marker": marker,
                **parse_citation(evidence[prefix:]),
                "evidence_text": evidence,
                "char_start": start,
                "char_end": end,
            }
        )
    return out


def expand_marker(inner: str) -> list[str]:
    """``7, 12-15`` -> ['7', '12', '13', '14', '15']; an implausible range yields nothing."""
    out: list[str] = []
    for part in re.split(r"\s*[,，、]\s*", inner.strip()):
        bounds = re.split(r"\s*[-–~～]\s*", part)
        if len(bounds) == 1 and bounds[0].isdigit():
            out.append(str(int(bounds[0])))
        elif len(bounds) == 2 and all(b.isdigit() for b in bounds):
            lo, hi = int(bounds[0]), int(bounds[1])
            if not 0 <= hi - lo <= MAX_RANGE:
                return []
            out.extend(str(n) for n in range(lo, hi + 1))
        else:
            return []
    return out


def find_reference_markers(text: str) -> list[tuple[str, int, int]]:
    """In-text citation markers as (reference number, start, end), one tuple per number.

    ``[5-7]`` yields markers 5, 6 and 7, all with the bracket's span; numbers lose leading
    zeros (``【047】`` -> ``47``) so they equal the ``marker`` of reference entries. The
    markers that open the reference list's own entries are not citations and are skipped.
    """
    entry_starts = {start for start, _, _ in _reference_lines(text)}
    out = []
    for m in _IN_TEXT.finditer(text):
        own_line = text.rfind("\n", 0, m.start()) + 1
        if own_line in entry_starts and not text[own_line : m.start()].strip():
            continue
        for number in expand_marker(m.group(1)):
            out.append((number, m.start(), m.end()))
    return out
