"""pandera model of the ``raw_documents`` stage: one row per seed file, decoded or not."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from .reasons import REASONS


class RawDocumentsSchema(pa.DataFrameModel):
    """Each seed file as read: sha256, size, detected encoding, decoded text or a quarantine reason."""

    source_path: Series[str] = pa.Field(description="Seed file name, relative to the seeds folder")
    document_id: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{16}$", description="First 16 hex digits of sha256")
    sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="sha256 of the raw bytes")
    size_bytes: Series[int] = pa.Field(ge=0, description="File size in bytes")
    encoding: Series[str] = pa.Field(nullable=True, description="Detected encoding; null when undecodable")
    encoding_confidence: Series[float] = pa.Field(nullable=True, ge=0, le=1, description="Detector confidence 0..1")
    text: Series[str] = pa.Field(nullable=True, description="Decoded raw text; null when quarantined")
    quarantine_reason: Series[str] = pa.Field(nullable=True, isin=list(REASONS), description="Why the file was quarantined; null when readable")
    quarantine_detail: Series[str] = pa.Field(nullable=True, description="Detail of the quarantine reason")

    class Config:
        strict = True
        coerce = True
