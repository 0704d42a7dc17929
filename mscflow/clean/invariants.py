"""What every clean text must satisfy. A document that breaks one is quarantined with the
invariant's name and what broke it (``clean.document.clean_batch``); the rest of the batch goes
on. The ``documents`` asset's blocking checks evaluate the same invariants on its output."""

from __future__ import annotations

from collections.abc import Callable

from .html import TAG_RE
from .pinyin import leftover_readings
from .script import unconverted

# name -> (description, finder of up to three offending samples in a clean text)
INVARIANTS: dict[str, tuple[str, Callable[[str, str], list[str]]]] = {
    "no_pinyin_readings_left": ("No tone-marked pinyin parenthesis after a Han character",
                                lambda text, _: [s for _, s in leftover_readings(text)[:3]]),
    "no_html_tags_left": ("No HTML tag left in any clean text", lambda text, _: TAG_RE.findall(text)[:3]),
    "text_is_simplified": ("OpenCC t2s leaves every clean text unchanged", lambda text, config: unconverted(text, config)),
}


def broken_invariants(text: str, opencc_config: str = "t2s") -> dict[str, list[str]]:
    """{invariant: offending samples} for every invariant the clean text breaks."""
    out = {}
    for name, (_, find) in INVARIANTS.items():
        samples = find(text, opencc_config)
        if samples:
            out[name] = [str(x) for x in samples]
    return out
