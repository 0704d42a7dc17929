"""The registry of contracts: ``CONTRACTS``, one per table, and the table groups derived from it."""

from __future__ import annotations

from .adverse_events import AdverseEventsSchema
from .base import FACT, PRODUCT, REPAIR, Contract, Ordered
from .documents import DocumentsSchema
from .outcomes import OutcomesSchema
from .quarantine import QuarantineSchema
from .raw_documents import RawDocumentsSchema
from .references import ReferencesSchema
from .registrations import RegistrationsSchema
from .studies import StudiesSchema
from .study_values import StudyValuesSchema
from .table_rows import TableRowsSchema

SPAN = Ordered("char_start", "char_end", strict=True)

CONTRACTS: dict[str, Contract] = {
    c.name: c
    for c in (
        Contract("raw_documents", RawDocumentsSchema, key=("source_path",), in_warehouse=False,
                 preview=("source_path", "encoding", "size_bytes", "quarantine_reason")),
        Contract("documents", DocumentsSchema, key=("document_id",),
                 preview=("source_path", "script", "n_pinyin_removed", "n_html_tags", "n_chrome_lines",
                          "n_damaged_spans", "n_chars_converted")),
        Contract("quarantine", QuarantineSchema, key=("source_path",), preview=("source_path", "reason", "detail")),
        Contract("table_rows", TableRowsSchema, key=("document_id", "table_index", "row_index"), ordered=(SPAN,),
                 preview=("document_id", "table_index", "row_index", "n_cells")),
        Contract("studies", StudiesSchema, key=("study_id",), ordered=(Ordered("dose_low", "dose_high"), SPAN),
                 preview=("label", "disease", "design", "n_total", "dose_low", "route")),
        Contract("study_values", StudyValuesSchema, key=("study_id", "field"), ordered=(Ordered("char_start", "char_end"),),
                 preview=("field", "value", "rule")),
        Contract("registrations", RegistrationsSchema, key=("document_id", "nct_id"),
                 preview=("nct_id", "status", "study_type")),
        Contract("references", ReferencesSchema, key=("reference_id",), preview=("marker", "year", "doi")),
        Contract("outcomes", OutcomesSchema, key=("outcome_id",), ordered=(SPAN,),
                 preview=("measure", "arm", "timepoint_months", "baseline", "value", "unit")),
        Contract("adverse_events", AdverseEventsSchema, key=("adverse_event_id",), ordered=(SPAN,),
                 preview=("event", "n_patients", "rate", "serious")),
    )
}
WAREHOUSE_TABLES: tuple[str, ...] = tuple(n for n, c in CONTRACTS.items() if c.in_warehouse)
EXTRACTED_TABLES: tuple[str, ...] = ("table_rows", "studies", "study_values", "registrations", "references", "outcomes",
                                     "adverse_events")


def contract(name: str) -> Contract:
    """The contract of table ``name`` (KeyError names the known tables)."""
    try:
        return CONTRACTS[name]
    except KeyError:
        raise KeyError(f"no contract for table {name!r}; known: {', '.join(CONTRACTS)}") from None


def fact_fields(table: str = "studies") -> tuple[str, ...]:
    """The fields read from the text and scored against the gold (the contract's FACT columns).
    Read at call time, so a field added to the contract reaches the extractor's record, the
    scorer and the warehouse with no other change."""
    return contract(table).columns_with(FACT)


__all__ = ["CONTRACTS", "EXTRACTED_TABLES", "FACT", "PRODUCT", "REPAIR", "SPAN", "WAREHOUSE_TABLES", "Contract", "Ordered",
           "contract", "fact_fields"]
