"""HTML remnants: tags go, their inner text stays; entities are decoded."""

from __future__ import annotations

import html
import re

from .html_page import is_full_page, strip_page
from .textmap import TextMap

TAG_RE = re.compile(
    r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->"
    # a tag whose "<" was eaten by mojibake: only with quoted attributes, so prose is safe
    r"|(?<=\?)/?[a-z][a-z0-9]*(?:\s+[a-zA-Z-]+=\"[^\"<>]*\")+\s*/?>",
    re.S,
)
ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
BLOCK_TAGS = re.compile(r"</?(?:br|p|div|li|tr|h[1-6])\b", re.I)


def strip_html(tm: TextMap) -> tuple[TextMap, int, int]:
    """Return the text without tags and with entities decoded, plus (tags, entities) counts.

    Tags go again after the entities: a page escaped twice (``&lt;div&gt;``) shows its markup
    only once decoded, and an article never means its markup as text."""
    page_tags = 0
    if is_full_page(tm.text):
        tm, page_tags = strip_page(tm)
    tm, tags = _strip_tags(tm)
    tags = [None] * page_tags + tags
    tm, ents = tm.sub(ENTITY_RE, lambda m: _decode(m.group(0)))
    tm, escaped = _strip_tags(tm)
    return tm, len(tags) + len(escaped), len(ents)


def _strip_tags(tm: TextMap) -> tuple[TextMap, list]:
    return tm.sub(TAG_RE, lambda m: "\n" if BLOCK_TAGS.match(m.group(0)) else "")


def _decode(entity: str) -> str | None:
    out = html.unescape(entity)
    if out == entity:
        return None  # unknown entity: keep it, it is text
    return " " if out == "\xa0" else out
