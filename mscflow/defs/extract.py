"""Extraction stage: cleaned documents -> table rows, studies, registrations, references.

One step per run: every document of the batch is extracted once (its tables found once and
shared by every extractor) by ``mscflow.extract.document.extract_batch``, the same function
the scorer and the bench call, chunk by chunk on the pool, each chunk read from and written to
the store by its worker (``mscflow.extract.stored``)."""

import dagster as dg

from mscflow import store
from mscflow.contracts import EXTRACTED_TABLES, contract
from mscflow.eval import SEED_GOLD
from mscflow.eval.scoring import load_gold, score_studies
from mscflow.extract.stored import StoredExtraction, extract_in_store, stored_studies

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
def extract(context: dg.AssetExecutionContext, mscflow: MscflowConfig, documents: store.StoredFrames,
            quarantine: store.StoredFrames):
    settings = mscflow.settings()
    batch = extract_in_store(documents, quarantine, settings.pool(), settings.document_timeout)
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
    yield dg.AssetCheckResult(check_name="rows_reconcile", asset_key="table_rows", passed=not batch.unreconciled,
                              metadata={"mismatched": dg.MetadataValue.json(batch.unreconciled)})
    yield _gold_check(batch)
    # every table of every document of the run is stored: only now is the version "processed"
    store.mark_processed(settings.store_dir, batch.versions)


def _gold_check(batch: StoredExtraction) -> dg.AssetCheckResult:
    gold_docs = {g["doc"] for g in load_gold(SEED_GOLD)} if SEED_GOLD.exists() else set()
    if not gold_docs <= set(batch.names.values()):
        # the gold covers whole-corpus runs (builds, the daily rebuild), not one-file refreshes
        return _not_scored("run does not cover every gold document; not scored")
    combined = stored_studies(batch) if gold_docs else None
    if combined is None or combined.empty:
        return _not_scored("no gold reference for these documents")
    score = score_studies(combined, SEED_GOLD, doc_of=batch.names)
    return dg.AssetCheckResult(
        check_name="gold_score", asset_key="studies", passed=score.micro.f1 >= 0.90 and score.study_recall >= 0.95,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={**score.as_metadata(), "report": dg.MetadataValue.md(f"```\n{score.format_report()}\n```")},
    )


def _not_scored(note: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(check_name="gold_score", asset_key="studies", passed=True, metadata={"note": note})
