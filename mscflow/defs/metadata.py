"""Asset metadata shared by every stage: column schema from the contract, row counts, preview."""

import dagster as dg
import pandas as pd
import pyarrow.parquet as pq

from mscflow import store
from mscflow.contracts import Contract

OWNERS = ["team:mscflow"]


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


def frames_metadata(
    context: dg.AssetExecutionContext,
    contract: Contract,
    frames: dict[str, pd.DataFrame],
    asset_key: str | None = None,
    repairs: dict[str, list[str]] | None = None,
    errors: dict[str, str] | None = None,
) -> dict:
    """Per partition: its row count, a short markdown preview, and the repairs or the error of
    its document, on its own materialization.

    Returns the run-level totals for the Output (a single-run backfill materializes many
    partitions in one step): the rows of this run and of the whole table (every stored
    document's rows once this run's are stored). A partition's ``dagster/row_count`` is its
    document's; the table's is ``rows_in_table`` here and ``dagster/row_count`` on core.<table>."""
    for key, frame in frames.items():
        preview = frame[list(contract.preview)] if contract.preview and len(frame) else frame
        text = preview.head(8).to_markdown(index=False) if len(preview) else "_no rows_"
        meta = {"dagster/row_count": int(len(frame)), "preview": dg.MetadataValue.md(text[:4000])}
        fixed = (repairs or {}).get(key) or []
        if fixed:  # values that broke their contract were nulled or their rows dropped: say so
            meta["validation_repairs"] = dg.MetadataValue.json(fixed[:50])
            context.log.warning(f"{key}: {len(fixed)} value(s) failed validation and were repaired: {fixed[:3]}")
        error = (errors or {}).get(key)
        if error:
            meta["extraction_error"] = dg.MetadataValue.md(f"```\n{error}\n```")
            context.log.error(f"{key}: extraction failed, document left without rows: {error.splitlines()[0]}")
        context.add_asset_metadata(meta, asset_key=asset_key, partition_key=key)
    in_run = int(sum(len(f) for f in frames.values()))
    totals = {"rows_in_run": in_run, "documents_in_run": len(frames)}
    table = asset_key or context.asset_key.path[-1]
    store_dir = _store_dir(context)
    if store_dir is not None:
        totals["rows_in_table"] = in_run + _stored_rows(store_dir, table, exclude=set(frames))
    return totals


def _store_dir(context: dg.AssetExecutionContext):
    try:
        return context.resources.mscflow.settings().store_dir
    except (AttributeError, dg.DagsterInvariantViolationError):
        return None


def _stored_rows(store_dir, table: str, exclude: set[str]) -> int:
    """Rows stored for ``table`` by documents other than ``exclude`` (read from Parquet footers)."""
    skip = {store.store_file(store_dir, table, k) for k in exclude}
    folder = store_dir / table
    files = [f for f in folder.glob("*.parquet") if f not in skip] if folder.is_dir() else []
    return int(sum(pq.read_metadata(f).num_rows for f in files))
