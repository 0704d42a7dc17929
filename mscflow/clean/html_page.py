"""Saved full HTML pages: the article's text kept, the page's machinery dropped.

A page saved from a browser carries ``<head>``, scripts (analytics, JSON-LD whose text repeats
the article's title and numbers), styles, navigation, footers and share bars around the
article. They are read with Python's own HTML parser (``html.parser``), chosen over lxml,
selectolax or trafilatura because it reports where every tag starts in the source: each
dropped stretch becomes an edit of the ``TextMap``, so every clean character still maps to
its character in the saved file. When the page marks its article (``<article>``, ``<main>``),
only that is kept; elements whose tag, id or class name navigation, footers, sidebars,
breadcrumbs, comments, share or related-links boxes are dropped. Table cells become ``|``
separated rows (the table parser reads them), ``<sup>6</sup>`` after a 10 becomes ``^6``.

Fragments with a few tags (a ``<mark>`` pasted into text) are not pages: ``html.strip_html``
handles those, including tags whose ``<`` was eaten by mojibake.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from html.parser import HTMLParser

from .textmap import TextMap

PAGE_RE = re.compile(r"<!DOCTYPE\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
DROP_TAGS = {"script", "style", "head", "noscript", "template", "svg", "iframe", "nav", "footer", "aside",
             "form", "button", "select", "object", "canvas", "video", "audio", "map"}
CHROME_NAME = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|footer|foot|sidebar|side|breadcrumbs?|crumbs?|share|social|comments?"
    r"|related|recommend|hot|ads?|advert|banner|toolbar|topbar|header|copyright|pager|pagination)(?:$|[-_\s\d])",
    re.I,
)
BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "section",
              "article", "main", "header", "blockquote", "pre", "dd", "dt", "dl", "figure", "figcaption", "hr",
              "caption", "tbody", "thead", "title"}
CELL_TAGS = {"td", "th"}
VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr"}
CONTENT_TAGS = ("article", "main")


def is_full_page(text: str) -> bool:
    """A saved page, not a fragment: a doctype, or html/head/body elements."""
    return bool(PAGE_RE.search(text[:5000]))


@dataclass
class _Element:
    tag: str
    start: int  # where its start tag begins
    content: int  # where its content begins (after the start tag)
    dropped: bool


class _Page(HTMLParser):
    """Collects the spans of tags, of elements to drop, and of the article element."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.edits: list[tuple[int, int, str]] = []
        self.drops: list[tuple[int, int]] = []
        self.content: list[tuple[int, int]] = []
        self.stack: list[_Element] = []
        self.tags = 0

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _tag_end(self, start: int) -> int:
        end = self.text.find(">", start)
        return len(self.text) if end < 0 else end + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._pos()
        end = start + len(self.get_starttag_text() or "")
        self.tags += 1
        names = " ".join(v or "" for k, v in attrs if k in ("id", "class", "role"))
        dropped = tag in DROP_TAGS or bool(CHROME_NAME.search(names)) or (tag == "header" and not self._inside(CONTENT_TAGS))
        if tag in VOID_TAGS:
            self.edits.append((start, end, self._line_break()))
            return
        self.stack.append(_Element(tag, start, end, dropped))
        self.edits.append((start, end, self._replacement(tag, opening=True)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._pos()
        self.tags += 1
        self.edits.append((start, start + len(self.get_starttag_text() or ""), self._line_break() if tag in BLOCK_TAGS else ""))

    def handle_endtag(self, tag: str) -> None:
        start = self._pos()
        end = self._tag_end(start)
        self.tags += 1
        self.edits.append((start, end, self._replacement(tag, opening=False)))
        for i in range(len(self.stack) - 1, -1, -1):  # close the nearest open element of this tag
            if self.stack[i].tag == tag:
                element = self.stack[i]
                del self.stack[i:]
                if element.dropped:
                    self.drops.append((element.start, end))
                elif tag in CONTENT_TAGS:
                    self.content.append((element.content, start))
                break

    def handle_comment(self, data: str) -> None:
        start = self._pos()
        self.edits.append((start, start + len(data) + 7, ""))  # <!-- data -->

    def handle_decl(self, decl: str) -> None:
        start = self._pos()
        self.edits.append((start, self._tag_end(start), ""))

    handle_pi = handle_decl

    def unknown_decl(self, data: str) -> None:
        start = self._pos()
        self.edits.append((start, self._tag_end(start), ""))

    def _inside(self, tags: tuple[str, ...]) -> bool:
        return any(e.tag in tags for e in self.stack)

    def _at_line_start(self) -> bool:
        """The tag being read starts its raw line (only spaces before it)."""
        start = self._pos()
        return self.text[self.text.rfind("\n", 0, start) + 1 : start].strip() == ""

    def _in_cell(self) -> bool:
        """Inside a table cell that holds no table of its own (a data cell, not a layout cell)."""
        for element in reversed(self.stack):
            if element.tag in CELL_TAGS:
                return True
            if element.tag == "table":
                return False
        return False

    def _line_break(self) -> str:
        """A line break, or a space inside a data cell (``<td>13例<br>随访6个月</td>`` is one cell)."""
        return " " if self._in_cell() else "\n"

    def _replacement(self, tag: str, opening: bool) -> str:
        if tag in CELL_TAGS:
            return " | " if opening else ""
        if tag == "sup":
            return "^" if opening else ""
        if tag == "tr":  # one row a line, no blank line between rows: a table's rows stay together
            return "\n" if opening and not self._at_line_start() else ""
        if tag in BLOCK_TAGS and tag != "table" and self._in_cell():
            return " "
        return "\n" if tag in BLOCK_TAGS else ""


def _outside(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The complement of the kept spans within [0, length)."""
    out, pos = [], 0
    for a, b in sorted(spans):
        if a > pos:
            out.append((pos, a))
        pos = max(pos, b)
    if pos < length:
        out.append((pos, length))
    return out


def _covered(ranges: list[tuple[int, int]]):
    """A test for "position lies inside one of these (merged) ranges"."""
    merged: list[list[int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    starts = [a for a, _ in merged]

    def inside(a: int, b: int) -> bool:
        i = bisect_right(starts, a) - 1
        return i >= 0 and b <= merged[i][1]

    return merged, inside


def strip_page(tm: TextMap) -> tuple[TextMap, int]:
    """The page's article text (tags, dropped elements and everything outside the article
    removed) and the number of tags read."""
    page = _Page(tm.text)
    page.feed(tm.text)
    page.close()
    removed = list(page.drops)
    content = [(a, b) for a, b in page.content if b > a]
    if content:
        removed += _outside(content, len(tm.text))
    merged, inside = _covered(removed)
    edits = [(a, b, "\n") for a, b in merged] + [e for e in page.edits if not inside(e[0], e[1])]
    return tm.apply(_non_overlapping(edits)), page.tags


def _non_overlapping(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Edits in text order, the wider first where two start together; one that overlaps an
    earlier edit is dropped (it lies in a stretch that is removed anyway)."""
    out: list[tuple[int, int, str]] = []
    for e in sorted(edits, key=lambda e: (e[0], -e[1])):
        if out and e[0] < out[-1][1]:
            continue
        out.append(e)
    return out
