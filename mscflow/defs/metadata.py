"""Asset metadata shared by every stage: column schema from the contract, row counts, preview."""

import dagster as dg
import pandas as pd

from mscflow import store
from mscflow.clean.document import REPAIR_COLUMNS
from mscflow.contracts import Contract

OWNERS = ["team:mscflow"]
REPAIR_NAMES = REPAIR_COLUMNS  # per-document repair counts: not "notes"


def column_schema(contract: Contract) -> dg.TableSchema:
    """The contract is the one source of truth for column names, types and meaning."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, str(col.dtype), description=col.description or "",
                           constraints=dg.TableColumnConstraints(nullable=bool(col.nullable), unique=bool(col.unique)))
            for name, col in contract.schema.columns.items()
        ]
    )


def definition_metadata(contract: Contract) -> dict:
    return {"dagster/column_schema": column_schema(contract)}


def per_partition(context: dg.AssetExecutionContext) -> bool:
    """Whether this run is small enough for metadata on each partition's materialization.

    Each ``add_asset_metadata(partition_key=...)`` re-reads the run's partition range from the
    instance, so N documents cost N² there: a large backfill gets its per-document figures as
    one table on the run's output instead (a sensor's batch keeps them per partition)."""
    try:
        limit = context.resources.mscflow.settings().partition_metadata_max
    except (AttributeError, dg.DagsterInvariantViolationError):
        limit = 20
    return len(context.partition_keys) <= limit


def document_metadata(context: dg.AssetExecutionContext, asset_key: str | None, by_key: dict[str, dict]) -> dict:
    """Each document's own metadata: on its partition when the run is small. In a large run the
    output's metadata is copied into every partition's materialization event, so it must stay
    small: only the documents that have something to say (repairs, an error) are named there,
    at most 50; every document's rows are in the store and the warehouse."""
    if per_partition(context):
        for key, meta in by_key.items():
            context.add_asset_metadata(meta, asset_key=asset_key, partition_key=key)
        return {}
    notable = {k: sorted(n for n in m if n not in ("dagster/row_count", *REPAIR_NAMES)) for k, m in by_key.items()}
    notable = {k: v for k, v in notable.items() if v}
    return {"documents_with_notes": dg.MetadataValue.json(dict(list(notable.items())[:50])),
            "n_documents_with_notes": len(notable)}


def frames_metadata(
    context: dg.AssetExecutionContext,
    contract: Contract,
    frames: dict[str, pd.DataFrame] | store.StoredFrames,
    asset_key: str | None = None,
    repairs: dict[str, list[str]] | None = None,
    errors: dict[str, str] | None = None,
    extra: dict[str, dict] | None = None,
) -> dict:
    """Per document: its row count, a short markdown preview, and the repairs or the error of
    its document (on its partition in a small run, else on the run's output, see
    ``document_metadata``).

    Returns the run-level totals for the Output (a single-run backfill materializes many
    partitions in one step): the rows of this run and of the whole table (every stored
    document's rows once this run's are stored), and a preview of the run's rows. A
    partition's ``dagster/row_count`` is its document's; the table's is ``rows_in_table`` here
    and ``dagster/row_count`` on core.<table>."""
    small = per_partition(context)
    rows, head = _rows_and_head(frames)
    by_key = {}
    for key, n_rows in rows.items():
        meta: dict = {"dagster/row_count": n_rows, **(extra or {}).get(key, {})}
        if small:  # a small run: each document's own rows (read back from the store if stored)
            meta["preview"] = _preview(contract, [frames[key]])
        fixed = (repairs or {}).get(key) or []
        if fixed:  # values that broke their contract were nulled or their rows dropped: say so
            meta["validation_repairs"] = dg.MetadataValue.json(fixed[:50])
            context.log.warning(f"{key}: {len(fixed)} value(s) failed validation and were repaired: {fixed[:3]}")
        error = (errors or {}).get(key)
        if error:
            meta["extraction_error"] = dg.MetadataValue.md(f"```\n{error}\n```")
            context.log.error(f"{key}: extraction failed, document left without rows: {error.splitlines()[0]}")
        by_key[key] = meta
    in_run = int(sum(rows.values()))
    totals = {"rows_in_run": in_run, "documents_in_run": len(frames), "preview": _preview(contract, [head]),
              **document_metadata(context, asset_key, by_key)}
    table = asset_key or context.asset_key.path[-1]
    store_dir = _store_dir(context)
    if store_dir is not None:
        totals["rows_in_table"] = in_run + store.stored_rows(store_dir, table, exclude=set(frames))
    return totals


def _rows_and_head(frames: dict[str, pd.DataFrame] | store.StoredFrames) -> tuple[dict[str, int], pd.DataFrame]:
    """Each document's row count and the batch's first rows: known without reading a stored
    batch back."""
    if isinstance(frames, store.StoredFrames) and frames.rows is not None:
        rows, head = {k: frames.rows[k] for k in frames.keys}, frames.head
    else:
        rows, _, head = store.batch_summary(frames)
    return rows, (head if head is not None else pd.DataFrame())


def _preview(contract: Contract, frames) -> dg.MetadataValue:
    """The first rows (the contract's preview columns) as markdown."""
    filled = [f for f in frames if len(f)][:8]
    if not filled:
        return dg.MetadataValue.md("_no rows_")
    head = pd.concat([f.head(8) for f in filled], ignore_index=True).head(8)
    head = head[list(contract.preview)] if contract.preview else head
    return dg.MetadataValue.md(head.to_markdown(index=False)[:4000])


def _store_dir(context: dg.AssetExecutionContext):
    try:
        return context.resources.mscflow.settings().store_dir
    except (AttributeError, dg.DagsterInvariantViolationError):
        return None
