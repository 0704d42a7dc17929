"""Ingest stage: seed files -> raw documents -> cleaned documents (or quarantine)."""

import dagster as dg

from mscflow.clean.document import REPAIR_COLUMNS
from mscflow.clean.invariants import INVARIANTS
from mscflow.clean.stored import clean_in_store
from mscflow.contracts import contract
from mscflow.contracts.frames import frame_for
from mscflow.ingest import duplicate_owners, list_seeds, read_seed
from mscflow.store import StoredFrames

from .metadata import OWNERS, definition_metadata, frames_metadata
from .partitions import seed_documents
from .resources import MscflowConfig
from .types import frames_type

BACKFILL = dg.BackfillPolicy.single_run()
RAW, DOCUMENTS, QUARANTINE = contract("raw_documents"), contract("documents"), contract("quarantine")


@dg.asset(
    partitions_def=seed_documents,
    backfill_policy=BACKFILL,
    io_manager_key="store_io_manager",
    group_name="ingest",
    kinds={"python", "pandas", "parquet"},
    owners=OWNERS,
    metadata=definition_metadata(RAW),
    dagster_type=frames_type(RAW),
    description="Each seed file's bytes: sha256, size, detected encoding and confidence, decoded "
    "text — or a quarantine reason (empty, binary, too large, duplicate, undecodable).",
)
def raw_documents(context: dg.AssetExecutionContext, mscflow: MscflowConfig) -> dg.Output:
    settings = mscflow.settings()
    listing = list_seeds(settings.seeds_dir, settings.seed_links)
    owners = duplicate_owners(settings.seeds_dir, listing)  # once per run, not once per file
    docs = {key: read_seed(settings.seeds_dir / key, settings.seeds_dir, settings.max_file_bytes, owners)
            for key in context.partition_keys}
    for key, doc in docs.items():
        if not doc.ok:
            context.log.warning(f"{key}: quarantined ({doc.quarantine_reason}: {doc.quarantine_detail})")
    batch = frame_for(RAW, [d.record() for d in docs.values()]).frame
    frames = {key: batch.iloc[[i]].reset_index(drop=True) for i, key in enumerate(docs)}
    meta = frames_metadata(context, RAW, frames)
    if listing.skipped:
        meta["skipped_in_seeds_folder"] = dg.MetadataValue.json({s.name: s.reason for s in listing.skipped})
    return dg.Output(frames, metadata=meta)


# the clean-text invariants (a document breaking one is quarantined, so the batch goes on; the
# blocking check then verifies the published documents) and the count reconciliation
CLEAN_CHECKS = {
    **{name: f"{desc} (a document that breaks it is quarantined as failed_check)" for name, (desc, _) in INVARIANTS.items()},
    "every_file_cleaned_or_quarantined": "Counts reconcile: each seed file is a document or a quarantine row",
}


@dg.multi_asset(
    partitions_def=seed_documents,
    backfill_policy=BACKFILL,
    group_name="ingest",
    outs={
        "documents": dg.AssetOut(
            io_manager_key="store_io_manager", kinds={"python", "pandas", "opencc"}, owners=OWNERS,
            metadata=definition_metadata(DOCUMENTS), dagster_type=frames_type(DOCUMENTS),
            description="Simplified, readable text per document with an offset map to the raw "
            "text, blocks, sentences, damaged spans and counts of every repair (pinyin readings, "
            "HTML, web chrome, conversion). Lands as core.documents.",
        ),
        "quarantine": dg.AssetOut(
            io_manager_key="store_io_manager", kinds={"python", "pandas"}, owners=OWNERS,
            metadata=definition_metadata(QUARANTINE), dagster_type=frames_type(QUARANTINE),
            description="Seed files that could not be processed, with stage, reason and detail. "
            "Lands as core.quarantine.",
        ),
    },
    check_specs=[
        dg.AssetCheckSpec(name, asset="documents", description=desc, blocking=True)
        for name, desc in CLEAN_CHECKS.items()
    ],
)
def clean_documents(context: dg.AssetExecutionContext, mscflow: MscflowConfig, raw_documents: StoredFrames):
    settings = mscflow.settings()
    batch = clean_in_store(raw_documents.subset(context.partition_keys), settings.opencc_config, settings.pool(),
                           settings.document_timeout)
    for key, q in batch.quarantined.items():
        context.log.warning(f"{key}: quarantined at {q['stage']} ({q['reason']}: {q['detail']})")
    cleaned, held = batch.documents.rows or {}, batch.quarantine.rows or {}
    unreconciled = [k for k in context.partition_keys if cleaned.get(k, 0) + held.get(k, 0) != 1]
    failures = {name: {k: b[name] for k, b in batch.broken.items() if name in b} for name in INVARIANTS}
    failures["every_file_cleaned_or_quarantined"] = unreconciled
    held_back = {name: [k for k, q in batch.quarantined.items() if name in str(q["detail"])] for name in INVARIANTS}

    # each document's repair counts beside its row count (on its partition, or the run's table)
    yield dg.Output(batch.documents, output_name="documents", metadata={
        **frames_metadata(context, DOCUMENTS, batch.documents, "documents", extra=batch.repairs),
        **_repair_totals(batch.repairs),
    })
    yield dg.Output(batch.quarantine, output_name="quarantine",
                    metadata=frames_metadata(context, QUARANTINE, batch.quarantine, "quarantine"))
    for name in CLEAN_CHECKS:
        yield dg.AssetCheckResult(
            check_name=name, asset_key="documents", passed=not failures[name],
            metadata={"failures": dg.MetadataValue.json(_jsonable(failures[name])),
                      "documents_checked": len(batch.broken),
                      "quarantined_for_it": dg.MetadataValue.json(held_back.get(name, []))},
        )


def _repair_totals(repairs: dict[str, dict[str, int]]) -> dict[str, int]:
    if not repairs:
        return {}
    return {f"total_{c}": sum(r[c] for r in repairs.values()) for c in REPAIR_COLUMNS}


def _jsonable(failures: object) -> object:
    if isinstance(failures, dict):
        return {k: [str(v) for v in vals] for k, vals in failures.items()}
    return list(failures)  # type: ignore[arg-type]
