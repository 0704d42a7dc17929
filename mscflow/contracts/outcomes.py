"""pandera model of ``core.outcomes``: one row per stated result of a study (issue 13).

A result is a value of a measure for the study's patients (assets/gold/SCHEMA.md, outcomes);
``measure``, ``arm`` and ``timepoint_months`` are the key the scorer matches on and ``value``
the figure it compares (Field metadata ``aspect``), so the scorer reads them from here."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ..parse.vocab import load_vocab
from .base import FACT

KEY = {"role": "fact", "aspect": "key"}  # matched exactly (timepoint within 5 %)
VALUE = {"role": "fact", "aspect": "value"}  # matched within 2 %

ARMS = ["treatment", "control", "all"]
VALUE_KINDS = ["score", "level", "rate", "count", "change", "duration"]
DIRECTIONS = ["improved", "worsened", "no_difference"]
HEX16 = r"^[0-9a-f]{16}$"


class OutcomesSchema(pa.DataFrameModel):
    """One row per stated result of a study: a value of a measure (score, level, rate, count, change, duration) for an arm at a timepoint, with the span of the value and the rule that read it."""

    outcome_id: Series[str] = pa.Field(unique=True, str_matches=HEX16, description="Content-derived id: first 16 hex of sha256(study_id|measure|char_start)")
    study_id: Series[str] = pa.Field(str_matches=HEX16, description="Study the result belongs to (core.studies.study_id)")
    document_id: Series[str] = pa.Field(str_matches=HEX16, description="Document the result is stated in (core.documents.document_id)")
    measure: Series[str] = pa.Field(metadata=KEY, isin=load_vocab("outcome").codes, description="Measure code (assets/vocab/outcomes.yaml); 'other' keeps the name in measure_text")
    measure_text: Series[str] = pa.Field(description="The measure as written in the clean text")
    arm: Series[str] = pa.Field(metadata=KEY, isin=ARMS, description="treatment: patients given cells; control: the control or placebo group; all: a figure pooling both arms")
    timepoint_months: Series[float] = pa.Field(metadata=KEY, nullable=True, ge=0, le=240, description="Time of the value stated in the same sentence, in months (weeks/4.345, days/30.44, years*12); null when the sentence gives none")
    value_kind: Series[str] = pa.Field(metadata=FACT, isin=VALUE_KINDS, description="score (instrument points), level (a laboratory value with its unit), rate (% of patients), count (patients), change (a stated signed difference), duration (a median or mean time)")
    baseline: Series[float] = pa.Field(metadata=FACT, nullable=True, description="The 'from' value of a from-to statement (a mean without its SD)")
    value: Series[float] = pa.Field(metadata=VALUE, description="The value at the timepoint (the 'to' value of a from-to; a change signed: 缩小20% is -20)")
    unit: Series[str] = pa.Field(metadata=FACT, nullable=True, description="Unit as written (%, g/L, U/L, 分, 个月); null for bare scores and counts")
    direction: Series[str] = pa.Field(metadata=FACT, nullable=True, isin=DIRECTIONS, description="improved, worsened or no_difference: as stated, or implied by a from-to and the measure's better side (assets/vocab/outcomes.yaml)")
    p_value: Series[str] = pa.Field(nullable=True, description="P value as written in the same clause, e.g. <0.05")
    evidence_text: Series[str] = pa.Field(description="The sentence the result was read from (simplified clean text)")
    char_start: Series[int] = pa.Field(ge=0, description="Start of the value as written in core.documents.clean_text (inclusive)")
    char_end: Series[int] = pa.Field(ge=0, description="End of the value in core.documents.clean_text (exclusive)")
    raw_start: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Start of the value in the decoded raw file (through the offset map)")
    raw_end: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="End of the value in the decoded raw file (exclusive)")
    rule: Series[str] = pa.Field(str_matches=r"^outcome:[a-z_]+$", description="The pass that read the value: outcome:from_to, outcome:respectively, outcome:stated, outcome:rate_of_patients, outcome:change, outcome:arm_value")

    class Config:
        strict = True
        coerce = True
