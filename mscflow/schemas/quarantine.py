"""pandera model of ``core.quarantine``: every seed file that could not be processed, and why."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from ..ingest import REASONS


class QuarantineSchema(pa.DataFrameModel):
    source_path: Series[str] = pa.Field(description="Seed file name, relative to the seeds folder")
    sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="sha256 of the raw file bytes")
    stage: Series[str] = pa.Field(isin=["raw_documents", "clean_documents"], description="Pipeline stage that quarantined the file")
    reason: Series[str] = pa.Field(isin=list(REASONS), description="empty_file | binary_file | too_large | duplicate_content | undecodable | failed_validation")
    detail: Series[str] = pa.Field(description="Human-readable detail: sizes, the duplicate's twin, the validation message")

    class Config:
        strict = True
        coerce = True
