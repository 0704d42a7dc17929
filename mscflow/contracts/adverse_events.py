"""pandera model of ``core.adverse_events``: one row per safety statement about a study's treated
patients (issue 13): an event that occurred, a count or rate of events, or "none observed"
(``n_patients`` 0). ``event`` is the key the scorer matches on; ``n_patients`` and ``rate`` the
figures it compares (Field metadata ``aspect``)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ..parse.vocab import load_vocab
from .outcomes import HEX16, KEY, VALUE


class AdverseEventsSchema(pa.DataFrameModel):
    """One row per safety statement of a study: the kind of event, how many patients or what share had it (0 for none observed), whether it was serious, with its span and rule."""

    adverse_event_id: Series[str] = pa.Field(unique=True, str_matches=HEX16, description="Content-derived id: first 16 hex of sha256(study_id|event|char_start)")
    study_id: Series[str] = pa.Field(str_matches=HEX16, description="Study the statement belongs to (core.studies.study_id)")
    document_id: Series[str] = pa.Field(str_matches=HEX16, description="Document the statement is made in (core.documents.document_id)")
    event: Series[str] = pa.Field(metadata=KEY, isin=load_vocab("adverse_event").codes, description="Event code (assets/vocab/adverse_events.yaml): adverse_event (kind not named), serious_adverse_event, fever, infusion_reaction, infection, headache, injection_site_pain, tumour, death, other")
    event_text: Series[str] = pa.Field(description="The event as written in the clean text")
    n_patients: Series[pd.Int64Dtype] = pa.Field(metadata=VALUE, nullable=True, ge=0, le=100_000, description="Patients with the event; 0 for a statement that none occurred; null when not stated")
    rate: Series[float] = pa.Field(metadata=VALUE, nullable=True, ge=0, le=100, description="Percent of patients with the event (所有患者 is 100); null when not stated")
    serious: Series[pd.BooleanDtype] = pa.Field(nullable=True, description="True for a serious event or a death, false when stated mild or moderate, else null")
    evidence_text: Series[str] = pa.Field(description="The sentence the statement was read from (simplified clean text)")
    char_start: Series[int] = pa.Field(ge=0, description="Start of the statement's span in core.documents.clean_text: from its count, rate or negation to the end of the event term")
    char_end: Series[int] = pa.Field(ge=0, description="End of the span in core.documents.clean_text (exclusive)")
    raw_start: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Start of the span in the decoded raw file (through the offset map)")
    raw_end: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="End of the span in the decoded raw file (exclusive)")
    rule: Series[str] = pa.Field(str_matches=r"^adverse_event:[a-z_]+$", description="The pass that read it: adverse_event:none_observed, adverse_event:occurred, adverse_event:respectively, adverse_event:listed; adverse_event:one_patient when the count is a case report's one patient")

    class Config:
        strict = True
        coerce = True
