"""Text copied out of a PDF: hard line breaks mid-sentence, running headers and page numbers
between lines, tables flattened into whitespace-aligned columns, ligatures.

Three passes, run only on text that looks like a PDF conversion (``looks_like_pdf``: a page
furniture line such as ``· 302 ·`` or a journal banner, and many lines broken mid-sentence):
the page furniture goes (the first journal banner stays: it dates the paper), whitespace
tables become ``|`` rows the table parser reads, and wrapped lines are joined back into
paragraphs. Every change is a ``TextMap`` edit, so the offset map to the raw text holds.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

from .textmap import TextMap

PAGE_TOKEN = re.compile(r"[·•]\s*\d{1,4}\s*[·•]|^\s*[-—–]\s*\d{1,4}\s*[-—–]\s*$|^\s*第\s*\d{1,4}\s*页")
PAGE_NUMBER_LINE = re.compile(r"^\s*(?:[·•\-—–]\s*)?\d{1,4}(?:\s*[·•\-—–])?\s*$")
BANNER = re.compile(  # a journal's running header: 某某杂志 2021年8月 第11卷 第4期 / Chin J X, Aug 2021, Vol.11, No.4
    r"^\S.{0,40}(?:杂志|雜誌|学报|學報|期刊)\s*\d{4}\s*年?.{0,12}第\s*\d+\s*[卷期]"
    r"|\b(?:19|20)\d{2}\s*,\s*Vol\.?\s*\d+\s*,\s*No\.?\s*\d+"
    # any journal's volume and issue heading a line (中国组织工程研究 第27卷 第24期; not a page's 来源: field)
    r"|^(?!\S{0,6}[:：]).{0,40}第\s*\d{1,3}\s*卷\s*(?:第\s*)?\d{1,2}\s*期",
    re.I,
)
TERMINAL = "。！？!?；;：:」』”"
HEADING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2}){0,2}\s+\S.{0,24}|[一二三四五六七八九十]+[、.]\S.{0,24}|参考文献|參考文獻|References?|Abstract|摘要|【[^】]{1,6}】)\s*$", re.I)
STARTS_BLOCK = re.compile(
    r"^\s*(?:\d{1,2}(?:\.\d{1,2}){0,2}\s|[(（]\d{1,2}[)）]|【|表\s*\d|续表|圖|图\s*\d|注[:：]|\[\d{1,3}\]\s|Key\s*words|关键词|Abstract|参考文献"
    r"|ISSN|CN\s*\d|DOI|·\S{2,6}·|通信作者|通讯作者|收稿日期|修回日期|基金项目|文章编号|中图分类号|文献标[识志]码)", re.I)
CELL_GAP = re.compile(r"\S(\s{2,})(?=\S)")
LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
LIGATURE_RE = re.compile("[" + "".join(LIGATURES) + "]")
MIN_WRAPPED_SHARE = 0.3
MIN_TABLE_ROWS = 3
MIN_TABLE_CELLS = 3
FULL_LINE = 0.85  # a line this close to the text's width that ends a sentence may still wrap


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def _wrapped_share(lines: list[str]) -> float:
    long = [ln.strip() for ln in lines if len(ln.strip()) >= 20 and "|" not in ln]
    if not long:
        return 0.0
    return sum(1 for ln in long if ln[-1] not in TERMINAL) / len(long)


def looks_like_pdf(text: str) -> bool:
    """Page furniture or a journal banner, and many long lines broken mid-sentence."""
    lines = text.split("\n")
    furniture = any(PAGE_TOKEN.search(ln) or BANNER.search(ln) for ln in lines)
    return furniture and _wrapped_share(lines) >= MIN_WRAPPED_SHARE


def fix_ligatures(tm: TextMap) -> tuple[TextMap, int]:
    tm, hits = tm.sub(LIGATURE_RE, lambda m: LIGATURES[m.group()])
    return tm, len(hits)


def drop_page_furniture(tm: TextMap) -> tuple[TextMap, int]:
    """Page numbers and running headers go; the first journal banner stays (it dates the paper)."""
    edits, seen_banner = [], False
    counts = Counter(line.strip() for _, _, line in _lines(tm.text) if line.strip())
    for start, end, line in _lines(tm.text):
        body = line.strip()
        banner = bool(BANNER.search(body)) and len(body) <= 120
        furniture = bool(PAGE_NUMBER_LINE.match(body) or PAGE_TOKEN.search(body) and len(body) <= 120)
        if banner and not seen_banner:
            seen_banner = True
            continue
        repeated_banner = banner and counts[body] >= 1 and seen_banner
        if body and (furniture or repeated_banner):
            edits.append((start, min(end + 1, len(tm.text)), ""))
            seen_banner = seen_banner or banner
    return (tm.apply(edits) if edits else tm), len(edits)


def _cells(line: str) -> int:
    return len(CELL_GAP.findall(line)) + 1 if line.strip() else 0


def whitespace_tables(tm: TextMap) -> tuple[TextMap, int]:
    """Runs of lines split into 3+ columns by 2+ spaces become ``a | b | c`` rows; a repeated
    header and a ``续表`` line inside the run (a table continued on the next page) go."""
    lines = _lines(tm.text)
    edits: list[tuple[int, int, str]] = []
    i, tables = 0, 0
    while i < len(lines):
        run = _table_run(lines, i)
        if len(run) >= MIN_TABLE_ROWS:
            tables += 1
            edits += _table_edits(lines, run, tm.text)
            i = run[-1] + 1
        else:
            i += 1
    return (tm.apply(edits) if edits else tm), tables


def _table_run(lines: list[tuple[int, int, str]], i: int) -> list[int]:
    run = []
    j = i
    while j < len(lines):
        body = lines[j][2].strip()
        cells = _cells(lines[j][2])
        if run:  # a row that lost a column gap stays in the table
            cells += len(_missing_gaps(lines[j][2], _cells(lines[run[0]][2])))
        if cells >= MIN_TABLE_CELLS and "|" not in body:
            run.append(j)
        elif not (run and re.match(r"^续表\s*\d*\s*$", body)):
            break
        j += 1
    return run if len(run) >= MIN_TABLE_ROWS else []


def _table_edits(lines, run: list[int], text: str) -> list[tuple[int, int, str]]:
    edits = []
    header = re.sub(r"\s+", " ", lines[run[0]][2].strip())
    for k in range(run[0], run[-1] + 1):
        start, end, line = lines[k]
        body = line.strip()
        if k != run[0] and (re.sub(r"\s+", " ", body) == header or re.match(r"^续表", body)):
            edits.append((start, min(end + 1, len(text)), ""))  # the table goes on: one header
            continue
        edits += [(start + m.start(1), start + m.end(1), " | ") for m in CELL_GAP.finditer(line)]
        edits += [(start + m.start(), start + m.end(), " | ") for m in _missing_gaps(line, _cells(lines[run[0]][2]))]
    return edits


# where a row lost a column gap (a long cell ran into the next): a single space between a Latin
# or digit run and a Chinese one (Mohamadnejad M(2013) 失代偿期肝硬化 RCT)
_SCRIPT_BOUNDARY = re.compile(r"(?<=[\u4e00-\u9fff])\s(?=[A-Za-z0-9])|(?<=[A-Za-z0-9)）])\s(?=[\u4e00-\u9fff])")


def _missing_gaps(line: str, header_cells: int) -> list[re.Match]:
    """The single spaces that restore a row's missing columns, leftmost first, outside the gaps."""
    missing = header_cells - _cells(line)
    if missing <= 0:
        return []
    gaps = [(m.start(1), m.end(1)) for m in CELL_GAP.finditer(line)]
    found = [m for m in _SCRIPT_BOUNDARY.finditer(line) if not any(a <= m.start() < b for a, b in gaps)]
    return found[:missing]


def _width(lines: list[tuple[int, int, str]]) -> float:
    lengths = [len(line.strip()) for _, _, line in lines if len(line.strip()) >= 15]
    return statistics.median(lengths) if lengths else 0.0


def _continues(line: str, nxt: str, width: float) -> bool:
    """Whether ``nxt`` goes on the paragraph ``line`` belongs to."""
    a, b = line.strip(), nxt.strip()
    if not a or not b or "|" in a or "|" in b or HEADING.match(a) or STARTS_BLOCK.match(b):
        return False
    if a[-1] not in TERMINAL:
        return len(a) >= 0.5 * width
    return len(a) >= FULL_LINE * width  # a full line ending a sentence: the paragraph wraps on


def join_wrapped_lines(tm: TextMap) -> tuple[TextMap, int]:
    """Join lines broken inside a paragraph; ``intra-`` + ``thecal`` -> ``intrathecal``."""
    lines = _lines(tm.text)
    width = _width(lines)
    edits = []
    for (_, e1, a), (_, _, b) in zip(lines, lines[1:], strict=False):
        if not _continues(a, b, width):
            continue
        lead = len(b) - len(b.lstrip())
        trail = len(a) - len(a.rstrip())
        left, right = a.rstrip(), b.lstrip()
        if re.search(r"[A-Za-z]-$", left) and right[:1].islower():
            edits.append((e1 - trail - 1, e1 + 1 + lead, ""))  # hyphenated word
        elif re.search(r"[A-Za-z,.;)]$", left) and re.match(r"[A-Za-z(]", right):
            edits.append((e1 - trail, e1 + 1 + lead, " "))  # English words: a space between
        else:
            edits.append((e1 - trail, e1 + 1 + lead, ""))
    return (tm.apply(edits) if edits else tm), len(edits)


def repair_pdf_layout(tm: TextMap) -> tuple[TextMap, int]:
    """All three passes on text that looks like a PDF conversion; returns the number of edits."""
    tm, ligatures = fix_ligatures(tm)
    if not looks_like_pdf(tm.text):
        return tm, ligatures
    tm, furniture = drop_page_furniture(tm)
    tm, tables = whitespace_tables(tm)
    tm, joined = join_wrapped_lines(tm)
    return tm, ligatures + furniture + tables + joined
