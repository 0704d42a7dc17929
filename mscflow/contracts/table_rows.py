"""pandera model of ``core.table_rows``: every data row of every pipe table, lossless.

Field descriptions are the warehouse's column COMMENTs (one source of truth)."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series


class TableRowsSchema(pa.DataFrameModel):
    """Every data row of every table in the articles, lossless, with its span."""

    document_id: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{16}$", description="Document the table is in (core.documents.document_id)")
    table_index: Series[int] = pa.Field(ge=0, description="0-based index of the table in its document, in text order")
    row_index: Series[int] = pa.Field(ge=0, description="0-based index of the data row in its table (header and ---|--- rule excluded)")
    caption: Series[str] = pa.Field(nullable=True, description="Line before the table's header when it reads like a caption (e.g. 表格1:...), else null")
    table_kind: Series[str] = pa.Field(isin=["trial", "registry", "other"], description="What the table lists, from its column roles (assets/vocab/table_headers.yaml, or inferred from the cells): trial (a patients column) | registry (NCT numbers) | other")
    header: Series[str] = pa.Field(description="JSON list of the header cells, realigned when the header lacked the row-number column (that column's header is \"\")")
    cells: Series[str] = pa.Field(description="JSON list of the row's cells as written (simplified text, stripped; empty cells kept; outer border pipes dropped)")
    n_cells: Series[int] = pa.Field(ge=0, description="Number of cells in the row; differs from the header's length in a ragged row")
    char_start: Series[int] = pa.Field(ge=0, description="Start of the row's line in core.documents.clean_text (character offset, inclusive)")
    char_end: Series[int] = pa.Field(ge=0, description="End of the row's line in core.documents.clean_text (character offset, exclusive)")

    class Config:
        strict = True
        coerce = True
        unique = ["document_id", "table_index", "row_index"]
