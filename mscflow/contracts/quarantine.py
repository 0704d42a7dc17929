"""pandera model of ``core.quarantine``: every seed file that could not be processed, and why."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

# quarantine reasons: a closed set (ingest decides the first five, the clean stage the next two or a timeout, extraction a failure
# or a timeout, the landing the near-duplicates)
EMPTY = "empty_file"
BINARY = "binary_file"
TOO_LARGE = "too_large"
DUPLICATE = "duplicate_content"
UNDECODABLE = "undecodable"
INVALID = "failed_validation"
FAILED_CHECK = "failed_check"  # the clean text breaks an invariant (mscflow.clean.invariants)
TIMEOUT = "timeout"  # cleaning or extraction took longer than MSCFLOW_DOCUMENT_TIMEOUT
EXTRACTION_FAILED = "extraction_failed"  # an extractor raised on this document
CHANGING = "file_changing"  # rewritten while being read, every time it was read: the next run reads it again
NEAR_DUPLICATE = "near_duplicate"  # other bytes, same clean text as another seed (re-encoded, .html, CR)
REASONS = (EMPTY, BINARY, TOO_LARGE, DUPLICATE, UNDECODABLE, INVALID, FAILED_CHECK, TIMEOUT, EXTRACTION_FAILED,
           NEAR_DUPLICATE, CHANGING)
STAGES = ("raw_documents", "documents", "extract", "warehouse_landing")


class QuarantineSchema(pa.DataFrameModel):
    """Seed files that could not be processed, with the stage, reason and detail."""

    source_path: Series[str] = pa.Field(description="Seed file name, relative to the seeds folder")
    sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="sha256 of the raw file bytes")
    stage: Series[str] = pa.Field(isin=list(STAGES), description="Pipeline stage that quarantined the file: " + " | ".join(STAGES))
    reason: Series[str] = pa.Field(isin=list(REASONS), description=" | ".join(REASONS))
    detail: Series[str] = pa.Field(description="Human-readable detail: sizes, the duplicate's twin, the validation message")

    class Config:
        strict = True
        coerce = True
