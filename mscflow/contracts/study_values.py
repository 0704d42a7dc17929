"""pandera model of ``core.study_values``: every filled field of every study, with its own
provenance (the mention's span in the clean and the raw text, and the rule that read it)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

RULE_KINDS = ("term", "count", "number", "dose", "duration", "administrations", "year", "derived", "default",
              "context", "abstain")


class StudyValuesSchema(pa.DataFrameModel):
    """One row per filled field of a study (and per field left empty on purpose), with the span of the mention that states it and the rule that read it."""

    study_id: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{16}$", description="Study the value belongs to (core.studies.study_id)")
    document_id: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{16}$", description="Document the study is told in (core.documents.document_id)")
    field: Series[str] = pa.Field(description="The core.studies column the value fills (a fact field of assets/gold/SCHEMA.md)")
    value: Series[str] = pa.Field(nullable=True, description="The value as text (numbers as written in core.studies, booleans true/false); null for an abstention")
    char_start: Series[int] = pa.Field(ge=0, description="Start of the mention in core.documents.clean_text (inclusive)")
    char_end: Series[int] = pa.Field(ge=0, description="End of the mention in core.documents.clean_text (exclusive)")
    raw_start: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Start of the mention in the decoded raw file (through the offset map)")
    raw_end: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="End of the mention in the decoded raw file (exclusive)")
    rule: Series[str] = pa.Field(str_matches=r"^(?:" + "|".join(RULE_KINDS) + r")(?::[a-z_]+(?::[a-z_]+)?)?$",
                                 description="What read the value: term:<vocabulary> (a vocabulary term), count, number, dose, "
                                 "duration, administrations, year (a reader of numbers); derived:<how> (e.g. sum_of_arms), "
                                 "default:<why> (e.g. not_stated), context:<reader> (found in the document, not the study's "
                                 "own passage), abstain:<why> (left empty, e.g. conflicting_terms)")

    class Config:
        strict = True
        coerce = True
        unique = ["study_id", "field"]

