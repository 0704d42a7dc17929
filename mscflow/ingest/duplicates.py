"""Near-duplicates: other bytes, the same article. A seed saved again in another encoding, as
.html, or with CR line endings has its own sha256 but the same clean text; counted twice, it
would double every study and patient. The warehouse landing links each such copy to its
original (``files.original_rank``) and quarantines it as ``near_duplicate``; decided again at
every build from every stored document, so removing either copy brings the other back."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import pandas as pd

from ..contracts.reasons import NEAR_DUPLICATE
from .files import original_rank

_SPACE = re.compile(r"\s+")


def text_fingerprint(clean_text: str) -> str:
    """The clean text without its whitespace (line endings, paragraph breaks of an HTML copy)."""
    return hashlib.sha256(_SPACE.sub("", clean_text).encode("utf-8")).hexdigest()


def text_key(clean_text: str | None) -> str | None:
    """The fingerprint a document is grouped by; None for an article with no text (no one's
    copy). Kept per document by the landing, so a refresh need not read every clean text again."""
    return text_fingerprint(clean_text) if _SPACE.sub("", clean_text or "") else None


def copies_of(keyed: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """{source_path of a copy: source_path of its original} over (source_path, ``text_key``)
    pairs: documents of one fingerprint are one article, the original by ``original_rank``."""
    groups: dict[str, list[str]] = {}
    for name, key in keyed:
        if key is not None:
            groups.setdefault(key, []).append(name)
    copies: dict[str, str] = {}
    for names in groups.values():
        original, *others = sorted(names, key=original_rank)
        copies.update({n: original for n in others})
    return copies


def near_duplicate_quarantine(documents: pd.DataFrame, copies: dict[str, str]) -> list[dict]:
    """The quarantine records of the copies, each naming its original."""
    rows = documents[documents["source_path"].isin(list(copies))]
    return [{"source_path": name, "sha256": sha, "stage": "warehouse_landing", "reason": NEAR_DUPLICATE,
             "detail": f"same clean text as {copies[name]} (read as {enc}); linked to it, not counted twice"}
            for name, sha, enc in zip(rows["source_path"], rows["sha256"], rows["encoding"], strict=True)]
