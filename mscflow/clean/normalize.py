"""Character normalisation: full-width digits/Latin (NFKC), dashes, multiplication signs,
whitespace; Chinese punctuation is kept as it is."""

from __future__ import annotations

import re
import unicodedata

from .textmap import TextMap

FULLWIDTH_ALNUM_RE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0b\uff0d\uff05\uff0e\uff0f]")
DASH_RE = re.compile(r"[\u2010\u2011\u2012\u2013\u2212\ufe63\u2043]")
TIMES_RE = re.compile(r"[\u2715\u2716\u2a09\u2a2f\u00d7\u2573]")
SPACE_RE = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]")
MULTISPACE_RE = re.compile(r" {2,}")
TRAILING_RE = re.compile(r" +(?=\n)|^ +| +$", re.M)
BLANKS_RE = re.compile(r"\n{3,}")
CRLF_RE = re.compile(r"\r\n?")


def normalize_newlines(tm: TextMap) -> TextMap:
    return tm.sub(CRLF_RE, lambda m: "\n")[0]


def normalize_chars(tm: TextMap) -> tuple[TextMap, int]:
    """Returns the map and how many characters were rewritten."""
    total = 0
    for pattern, fn in (
        (FULLWIDTH_ALNUM_RE, lambda m: unicodedata.normalize("NFKC", m.group(0))),
        (DASH_RE, lambda m: "-"),
        (TIMES_RE, lambda m: "×"),
        (SPACE_RE, lambda m: "" if m.group(0) in "\u200b\ufeff" else " "),
    ):
        tm, hits = tm.sub(pattern, fn)
        total += len(hits)
    return tm, total


def tidy_whitespace(tm: TextMap) -> TextMap:
    """Collapse runs of spaces and of blank lines; strip line ends."""
    tm, _ = tm.sub(MULTISPACE_RE, lambda m: " ")
    tm, _ = tm.sub(TRAILING_RE, lambda m: "")
    tm, _ = tm.sub(BLANKS_RE, lambda m: "\n\n")
    text = tm.text
    lead = len(text) - len(text.lstrip("\n"))
    trail = len(text) - len(text.rstrip("\n"))
    edits = []
    if lead:
        edits.append((0, lead, ""))
    if trail and trail < len(text):
        edits.append((len(text) - trail, len(text), ""))
    return tm.apply(edits) if edits else tm
