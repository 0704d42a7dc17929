"""pandera model of ``core.documents``: one row per cleaned seed document.

Field descriptions are the warehouse's column COMMENTs (one source of truth)."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from ..parse.shape import SHAPES
from .base import REPAIR

SCRIPTS = ["traditional", "simplified", "mixed", "none"]


class DocumentsSchema(pa.DataFrameModel):
    """Cleaned seed documents, one row per readable file: simplified text, offset map to the raw text and a count of every repair."""

    document_id: Series[str] = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$", description="Content-derived id: first 16 hex digits of the file's sha256")
    source_path: Series[str] = pa.Field(unique=True, description="Seed file name, relative to the seeds folder")
    sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="sha256 of the raw file bytes")
    encoding: Series[str] = pa.Field(description="Detected encoding of the raw bytes (utf_8, utf_8_bom, utf_16*, gb18030, big5*)")
    encoding_confidence: Series[float] = pa.Field(ge=0, le=1, description="Confidence of the encoding detection, 0..1 (1 for BOM or strict UTF-8)")
    size_bytes: Series[int] = pa.Field(ge=1, description="Raw file size in bytes")
    script: Series[str] = pa.Field(isin=SCRIPTS, description="Script of the raw text before conversion: traditional | simplified | mixed | none")
    document_shape: Series[str] = pa.Field(isin=list(SHAPES), description="What kind of document it is: " + " | ".join(SHAPES) + " (mscflow/parse/shape.py)")
    shape_evidence: Series[str] = pa.Field(description="The signal the shape was read from, e.g. 'a structured abstract (目的/方法)'; empty for other")
    title: Series[str] = pa.Field(description="First heading (or first sentence) of the clean text")
    clean_text: Series[str] = pa.Field(description="Cleaned simplified text; char_start/char_end of extracted rows index into it")
    n_chars_raw: Series[int] = pa.Field(ge=1, description="Characters in the decoded raw text")
    n_chars_clean: Series[int] = pa.Field(ge=0, description="Characters in clean_text")
    n_pinyin_removed: Series[int] = pa.Field(metadata=REPAIR, ge=0, description="Pinyin reading parentheses removed (e.g. 關(guān) -> 关)")
    n_html_tags: Series[int] = pa.Field(metadata=REPAIR, ge=0, description="HTML tags removed (inner text kept)")
    n_html_entities: Series[int] = pa.Field(metadata=REPAIR, ge=0, description="HTML entities decoded")
    n_chrome_lines: Series[int] = pa.Field(metadata=REPAIR, ge=0, description="Web-chrome lines removed (navigation, QR/WeChat prompts, phones, disclaimers, copyright, ICP)")
    n_damaged_spans: Series[int] = pa.Field(metadata=REPAIR, ge=0, description="Damaged spans (mojibake, U+FFFD, stray ?) kept in the text and located")
    n_chars_converted: Series[int] = pa.Field(metadata=REPAIR, ge=0, description="Characters changed by OpenCC traditional -> simplified conversion")
    n_chars_normalized: Series[int] = pa.Field(metadata=REPAIR, ge=0, description="Characters rewritten by normalisation (full-width alphanumerics, dashes, x signs, spaces)")
    n_layout_repairs: Series[int] = pa.Field(metadata=REPAIR, ge=0, description="PDF layout repairs: page numbers and running headers removed, wrapped lines joined, whitespace tables turned into rows, ligatures")
    n_blocks: Series[int] = pa.Field(ge=0, description="Blocks in the clean text (headings, paragraphs, list items, tables)")
    n_sentences: Series[int] = pa.Field(ge=0, description="Sentences in the clean text's non-table blocks")
    damaged_spans: Series[str] = pa.Field(description="JSON list of damaged spans: [{start, end, kind, text}] into clean_text")
    offset_map: Series[str] = pa.Field(description="JSON runs [clean_start, raw_start, length] mapping every clean character to its character in the decoded raw file")
    chrome_removed: Series[str] = pa.Field(description="JSON list of removed web-chrome lines: [{rule, text}]")

    class Config:
        strict = True
        coerce = True


