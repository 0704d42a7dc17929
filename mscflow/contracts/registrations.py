"""pandera model of ``core.registrations``: registered trials listed in the articles' tables.

Field descriptions are the warehouse's column COMMENTs (one source of truth); status and study
type codes come from the vocabularies ``registration_status`` and ``registration_study_type``."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from ..parse.vocab import load_vocab

REGISTRIES = ("clinicaltrials_gov", "chictr")
STATUS_CODES = load_vocab("registration_status").codes
STUDY_TYPE_CODES = load_vocab("registration_study_type").codes


class RegistrationsSchema(pa.DataFrameModel):
    """Registered trials listed in the articles' tables, one row per trial and document."""

    nct_id: Series[str] = pa.Field(str_matches=r"^(?:NCT\d{8}|ChiCTR(?:[A-Z]{2,4}-)?\d{8,10})$", description="Trial identifier on its registry: NCT and eight digits (ClinicalTrials.gov) or ChiCTR and digits (Chinese Clinical Trial Registry)")
    registry: Series[str] = pa.Field(isin=list(REGISTRIES), description="Registry of the identifier: " + " | ".join(REGISTRIES))
    document_id: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{16}$", description="Document whose table lists the trial (core.documents.document_id)")
    row_number: Series[int] = pa.Field(ge=1, description="The listing's own row number when it has one, else the 1-based row position in the table")
    title: Series[str] = pa.Field(nullable=True, description="Trial title as listed (simplified Chinese, machine-translated in the source)")
    status: Series[str] = pa.Field(nullable=True, isin=STATUS_CODES, description="Recruitment status code: " + " | ".join(STATUS_CODES) + "; null when the listing's wording is not in the vocabulary")
    conditions: Series[str] = pa.Field(nullable=True, description="Conditions as listed (simplified)")
    interventions: Series[str] = pa.Field(nullable=True, description="Interventions as listed (simplified), e.g. 生物:脐带间充质干细胞")
    sponsor: Series[str] = pa.Field(nullable=True, description="Sponsor as listed (simplified)")
    study_type: Series[str] = pa.Field(nullable=True, isin=STUDY_TYPE_CODES, description="Study type code: " + " | ".join(STUDY_TYPE_CODES) + "; null when not stated")
    evidence_text: Series[str] = pa.Field(description="The table row the registration was read from, as in the clean text")
    char_start: Series[int] = pa.Field(ge=0, description="Start of the row in core.documents.clean_text (character offset, inclusive)")
    char_end: Series[int] = pa.Field(ge=0, description="End of the row in core.documents.clean_text (character offset, exclusive)")

    class Config:
        strict = True
        coerce = True
        unique = ["document_id", "nct_id"]
