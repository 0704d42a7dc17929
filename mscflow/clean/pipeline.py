"""The cleaning pipeline: decoded raw text -> simplified clean text with a repair record."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .blocks import Block, Sentence, split_blocks, split_sentences
from .chrome import ChromeLine, remove_chrome
from .damage import DamagedSpan, find_damaged_spans
from .html import strip_html
from .normalize import normalize_chars, normalize_newlines, tidy_whitespace
from .pdf import repair_pdf_layout
from .pinyin import remove_readings
from .script import detect_script, to_simplified
from .textmap import TextMap


@dataclass(frozen=True, eq=False)
class CleanDocument:
    text: str
    offsets: np.ndarray  # offsets[i] = index in the raw (decoded) text of text[i]
    script: str  # script of the raw text: traditional | simplified | mixed | none
    repairs: dict[str, int]
    chrome: tuple[ChromeLine, ...] = ()
    damaged: tuple[DamagedSpan, ...] = ()
    blocks: tuple[Block, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    title: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw [start, end) of a clean span, for showing evidence in the original file."""
        return TextMap(self.text, self.offsets).raw_span(start, end)


def clean_document(raw: str, opencc_config: str = "t2s") -> CleanDocument:
    """Clean one decoded article. Never raises on text input; every repair is counted."""
    tm = normalize_newlines(TextMap.identity(raw))
    tm, n_tags, n_entities = strip_html(tm)
    tm, n_pinyin = remove_readings(tm)
    script = detect_script(tm.text, opencc_config)
    tm, n_converted = to_simplified(tm, opencc_config)
    tm, n_normalized = normalize_chars(tm)
    tm, n_tags_late, _ = strip_html(tm)  # a tag written in full-width letters shows only now
    tm, n_layout = repair_pdf_layout(tm)
    # Conversion can expose a reading only after normalisation (full-width parentheses)
    tm, n_pinyin_late = remove_readings(tm)
    tm, chrome = remove_chrome(tm)
    tm = tidy_whitespace(tm)
    damaged = find_damaged_spans(tm.text)
    blocks = split_blocks(tm.text)
    sentences = split_sentences(tm.text, blocks)
    title = _title(tm.text, blocks)
    repairs = {
        "n_pinyin_removed": n_pinyin + n_pinyin_late,
        "n_html_tags": n_tags + n_tags_late,
        "n_html_entities": n_entities,
        "n_chrome_lines": len(chrome),
        "n_damaged_spans": len(damaged),
        "n_chars_converted": n_converted,
        "n_chars_normalized": n_normalized,
        "n_layout_repairs": n_layout,
    }
    return CleanDocument(
        text=tm.text,
        offsets=tm.offsets,
        script=script,
        repairs=repairs,
        chrome=tuple(chrome),
        damaged=tuple(damaged),
        blocks=tuple(blocks),
        sentences=tuple(sentences),
        title=title[:200],
    )


# section words that head a part of an article, not the article itself
GENERIC_HEADINGS = {"介绍", "简介", "引言", "前言", "导读", "摘要", "背景", "目录", "正文", "概述", "综述"}


def _title(text: str, blocks: list[Block]) -> str:
    """The first heading near the top, else the first sentence of the first other block;
    generic section words (介绍, 导读, ...) are never the title."""
    candidates = [(b, text[b.start : b.end].strip()) for b in blocks if b.kind != "table"]
    candidates = [(b, t) for b, t in candidates if t.rstrip(":：") not in GENERIC_HEADINGS]
    for b, t in candidates[:3]:
        if b.kind == "heading":
            return t
    return candidates[0][1].split("。")[0][:120] if candidates else ""
