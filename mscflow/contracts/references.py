"""pandera model of ``core.references``: entries of the articles' reference lists.

Field descriptions are the warehouse's column COMMENTs (one source of truth). DOI, PMID and
year are read by exact patterns; authors, title and journal are a best-effort split."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series


class ReferencesSchema(pa.DataFrameModel):
    """Entries of the articles' reference lists with their parsed fields and span."""

    reference_id: Series[str] = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$", description="Content-derived id: first 16 hex digits of sha256(document_id, marker, entry text)")
    document_id: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{16}$", description="Document whose reference list holds the entry (core.documents.document_id)")
    marker: Series[str] = pa.Field(nullable=True, str_matches=r"^\d{1,3}$", description="The entry's number without brackets or leading zeros (【1】 -> 1); in-text markers [1] link to it; null for an unnumbered entry")
    authors: Series[str] = pa.Field(nullable=True, description="Author list as written (best effort)")
    title: Series[str] = pa.Field(nullable=True, description="Title of the cited work (best effort)")
    journal: Series[str] = pa.Field(nullable=True, description="Journal or source name (best effort)")
    year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1900, le=2035, description="Publication year (4 digits)")
    doi: Series[str] = pa.Field(nullable=True, str_matches=r"^10\.\d{4,9}/\S+$", description="DOI without the https://doi.org/ prefix")
    pmid: Series[str] = pa.Field(nullable=True, str_matches=r"^\d{1,9}$", description="PubMed identifier, digits only")
    evidence_text: Series[str] = pa.Field(description="The entry as in the clean text, marker included")
    char_start: Series[int] = pa.Field(ge=0, description="Start of the entry in core.documents.clean_text (character offset, inclusive)")
    char_end: Series[int] = pa.Field(ge=0, description="End of the entry in core.documents.clean_text (character offset, exclusive)")

    class Config:
        strict = True
        coerce = True
