"""Extraction stage: cleaned documents -> table rows, studies, registrations, references.

One step per run: every document of the batch is extracted once (its tables found once and
shared by every extractor) by ``mscflow.extract.document.extract_batch``, the same function
the scorer and the bench call."""

import dagster as dg
import pandas as pd

from mscflow import store
from mscflow.clean.blocks import ruled_table_data_lines
from mscflow.contracts import EXTRACTED_TABLES, contract
from mscflow.contracts.frames import empty_frame
from mscflow.eval import SEED_GOLD
from mscflow.eval.scoring import load_gold, score_studies
from mscflow.extract.document import BatchExtraction, extract_in_pool, failed_extraction_quarantine

from .metadata import OWNERS, definition_metadata, frames_metadata
from .partitions import seed_documents
from .resources import MscflowConfig
from .types import frames_type

DESCRIPTIONS = {
    "table_rows": "Every pipe-table row of every document, lossless: table index, row index, "
    "caption, header and cells. Lands as core.table_rows.",
    "studies": "One record per clinical study the articles describe, from trial-table rows and "
    "from prose, each with evidence text, clean and raw character spans, and the fields of "
    "gold/SCHEMA.md (codes from assets/vocab). Lands as core.studies.",
    "study_values": "Every filled field of every study with its own provenance: the span of the mention "
    "that states it in the clean and the raw text, and the rule that read it. Lands as core.study_values.",
    "registrations": "Trial-registry rows (NCT number, title, status, conditions, interventions, "
    "sponsor, study type) from tables that list registered trials. Lands as core.registrations.",
    "references": "Reference-list entries (authors, title, journal, year, DOI, PMID). Lands as core.references.",
}
ERROR_CHECK = "no_extraction_errors"


@dg.multi_asset(
    partitions_def=seed_documents,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="extract",
    outs={
        table: dg.AssetOut(
            io_manager_key="store_io_manager", kinds={"python", "pandas"}, owners=OWNERS,
            metadata=definition_metadata(contract(table)), dagster_type=frames_type(contract(table)),
            description=DESCRIPTIONS.get(table, contract(table).description),
        )
        for table in EXTRACTED_TABLES
    },
    check_specs=[
        *(dg.AssetCheckSpec(ERROR_CHECK, asset=t, description="Every document's extraction ran without an exception")
          for t in EXTRACTED_TABLES),
        dg.AssetCheckSpec("rows_reconcile", asset="table_rows", blocking=True,
                          description="Every ruled pipe-table data line of the clean text is a row, and rows in = rows out"),
        dg.AssetCheckSpec("gold_score", asset="studies", blocking=False,
                          description="Field-level precision/recall/F1 against the hand-made gold (documents it covers)"),
    ],
)
def extract(context: dg.AssetExecutionContext, mscflow: MscflowConfig, documents: dict[str, pd.DataFrame],
            quarantine: dict[str, pd.DataFrame]):
    docs = {k: (f.iloc[0].to_dict() if len(f) else None) for k, f in documents.items()}
    settings = mscflow.settings()
    batch = extract_in_pool(docs, settings.pool(), settings.document_timeout)
    errors = {k: e.trace or e.error or "" for k, e in batch.errors.items()}
    for table in EXTRACTED_TABLES:
        frames = batch.frames[table]
        repairs = {k: [r for r in rs if r.startswith(f"{table} ")] for k, rs in batch.repairs.items()}
        yield dg.Output(frames, output_name=table,
                        metadata=frames_metadata(context, contract(table), frames, table, repairs, errors))
        yield dg.AssetCheckResult(
            check_name=ERROR_CHECK, asset_key=table, passed=not batch.errors,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"failed_documents": dg.MetadataValue.json({k: e.error for k, e in batch.errors.items()})},
        )
    yield _rows_reconcile(docs, batch)
    yield _gold_check(batch.frames["studies"], docs)
    # every table of every document of the run is stored: only now is the version "processed"
    versions = {k: str((documents[k] if len(documents[k]) else quarantine[k]).iloc[0]["sha256"])
                for k in documents if len(documents[k]) or len(quarantine[k])}
    store.quarantine_documents(settings.store_dir, failed_extraction_quarantine(docs, batch))
    store.mark_processed(settings.store_dir, versions)


def _rows_reconcile(docs: dict[str, dict | None], batch: BatchExtraction) -> dg.AssetCheckResult:
    """Independent count: every ruled data line (found without the table parser) is a row."""
    mismatched = {}
    for key, doc in docs.items():
        if doc is None:
            continue
        text = doc["clean_text"]
        rows = batch.frames["table_rows"][key]
        starts = set(rows["char_start"].astype(int))
        lost = [text[s:e][:60] for s, e in ruled_table_data_lines(text) if s not in starts]
        dropped = [r for r in batch.repairs.get(key, []) if r.startswith("table_rows ") and "dropped" in r]
        if lost or dropped:
            mismatched[key] = {"rows_out": len(rows), "lines_not_rows": lost[:5], "rows_dropped": dropped[:5]}
    return dg.AssetCheckResult(check_name="rows_reconcile", asset_key="table_rows", passed=not mismatched,
                               metadata={"mismatched": dg.MetadataValue.json(mismatched)})


def _gold_check(frames: dict[str, pd.DataFrame], docs: dict[str, dict | None]) -> dg.AssetCheckResult:
    combined = pd.concat([f for f in frames.values() if len(f)] or [empty_frame(contract("studies"))], ignore_index=True)
    if not SEED_GOLD.exists() or combined.empty:
        return dg.AssetCheckResult(check_name="gold_score", asset_key="studies", passed=True,
                                   metadata={"note": "no gold reference for these documents"})
    names = {d["document_id"]: d["source_path"] for d in docs.values() if d is not None}
    gold_docs = {g["doc"] for g in load_gold(SEED_GOLD)}
    if not gold_docs <= set(names.values()):
        # the gold covers whole-corpus runs (builds, the daily rebuild), not one-file refreshes
        return dg.AssetCheckResult(check_name="gold_score", asset_key="studies", passed=True,
                                   metadata={"note": "run does not cover every gold document; not scored"})
    score = score_studies(combined, SEED_GOLD, doc_of=names)
    return dg.AssetCheckResult(
        check_name="gold_score", asset_key="studies", passed=score.micro.f1 >= 0.90 and score.study_recall >= 0.95,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={**score.as_metadata(), "report": dg.MetadataValue.md(f"```\n{score.format_report()}\n```")},
    )
