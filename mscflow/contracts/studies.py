"""pandera model of ``core.studies``: one row per clinical study an article describes.

Codes are checked against the vocabulary module (``assets/vocab``), so a new code added there
is accepted here without code changes. Field descriptions are the warehouse's column COMMENTs.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ..parse.vocab import load_vocab
from .base import FACT, PRODUCT


def _codes(name: str) -> list[str]:
    return load_vocab(name).codes


class StudiesSchema(pa.DataFrameModel):
    """One row per clinical study an article describes (a table row or a prose passage), with its evidence span and the fields of gold/SCHEMA.md."""

    study_id: Series[str] = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$", description="Content-derived id: first 16 hex of sha256(document_id|kind|char_start|char_end)")
    document_id: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{16}$", description="Document the study is told in (core.documents.document_id)")
    kind: Series[str] = pa.Field(isin=["table_row", "prose", "document"], description="table_row: a row of a table; prose: a study told in running text; document: the study a whole document reports (an abstract, a news item, a case report), its facts gathered across the document")
    label: Series[str] = pa.Field(description="How the article names the study (authors and year, trial heading, or the opening words)")
    evidence_text: Series[str] = pa.Field(description="The simplified table row or sentence(s) the fields were read from")
    char_start: Series[int] = pa.Field(ge=0, description="Start of the evidence in core.documents.clean_text (0-based, inclusive)")
    char_end: Series[int] = pa.Field(ge=0, description="End of the evidence in core.documents.clean_text (exclusive)")
    raw_start: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Start of the evidence in the decoded raw seed file (through the offset map)")
    raw_end: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="End of the evidence in the decoded raw seed file (exclusive)")
    table_index: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="0-based table index within the document (table rows only)")
    row_index: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="0-based data-row index within the table (table rows only)")
    reference_marker: Series[str] = pa.Field(nullable=True, description="Reference marker the evidence carries, e.g. [3] or 【047】")
    cluster_id: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{16}$", description="Shared by records that tell the same study (prose and table row); count distinct cluster_id to count studies once")
    disease: Series[str] = pa.Field(metadata=FACT, isin=_codes("disease"), description="Disease code (assets/vocab/diseases.yaml; 'other' when none fits or none is stated)")
    design: Series[str] = pa.Field(metadata=FACT, isin=_codes("design"), description="Design code: rct, non_randomized_controlled, single_arm, retrospective, long_term_follow_up, meta_analysis, animal, case_report, other")
    phase: Series[str] = pa.Field(metadata=FACT, nullable=True, isin=_codes("phase"), description="Trial phase as stated: I, I/II, II, III; null when not stated")
    n_total: Series[pd.Int64Dtype] = pa.Field(metadata=FACT, nullable=True, ge=1, le=100_000, description="Patients (or subjects) enrolled, as stated; the sum of the arms when only arms are stated")
    n_treatment: Series[pd.Int64Dtype] = pa.Field(metadata=FACT, nullable=True, ge=1, le=100_000, description="Patients in the cell-therapy arm(s), where arm sizes are stated")
    n_control: Series[pd.Int64Dtype] = pa.Field(metadata=FACT, nullable=True, ge=1, le=100_000, description="Patients in the control or placebo arm, where stated")
    cell_type: Series[str] = pa.Field(metadata=FACT, isin=_codes("cell_type"), description="Cell product code: msc, mpc, hsc, pbsc, bm_mnc, ucb_mnc, treg_msc, other")
    tissue_source: Series[str] = pa.Field(metadata=FACT, isin=_codes("tissue_source"), description="Source tissue code (bone_marrow, adipose, umbilical_cord, ...); mixed for several; unspecified when not stated")
    donor: Series[str] = pa.Field(metadata=PRODUCT, nullable=True, isin=_codes("donor"), description="autologous or allogeneic; null when not stated")
    route: Series[str] = pa.Field(metadata=PRODUCT, nullable=True, isin=_codes("route"), description="Route code (assets/vocab/routes.yaml); null when the article says only infusion/transplant")
    dose_low: Series[float] = pa.Field(metadata=PRODUCT, nullable=True, ge=1e3, le=1e10, description="Smallest single dose in cells (cells/kg body weight when dose_per_kg)")
    dose_high: Series[float] = pa.Field(metadata=PRODUCT, nullable=True, ge=1e3, le=1e10, description="Largest single dose in cells (cells/kg when dose_per_kg); equals dose_low for one level")
    dose_per_kg: Series[pd.BooleanDtype] = pa.Field(metadata=PRODUCT, nullable=True, description="True when the dose is per kg body weight; null when there is no dose")
    n_administrations: Series[pd.Int64Dtype] = pa.Field(metadata=FACT, nullable=True, ge=1, le=100, description="How many times cells were given to a patient (highest stated schedule)")
    follow_up_months: Series[float] = pa.Field(metadata=FACT, nullable=True, ge=0, le=240, description="Longest follow-up stated, in months (weeks/4.345, years*12)")
    year: Series[pd.Int64Dtype] = pa.Field(metadata=FACT, nullable=True, ge=1950, le=2030, description="Year the study was reported or published, as stated")

    class Config:
        strict = True
        coerce = True
