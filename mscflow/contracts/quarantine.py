"""pandera model of ``core.quarantine``: every seed file that could not be processed, and why."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from .reasons import REASONS, STAGES


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
