"""Asset metadata shared by every stage: column schema from pandera, row counts, preview."""


import dagster as dg
import pandas as pd
import pandera.pandas as pa

from mscflow.extraction import ERRORS
from mscflow.schemas.frames import REPAIRS

OWNERS = ["team:mscflow"]


def column_schema(model: type[pa.DataFrameModel]) -> dg.TableSchema:
    """The pandera model is the one source of truth for column names, types and meaning."""
    cols = model.to_schema().columns
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, str(col.dtype), description=col.description or "",
                           constraints=dg.TableColumnConstraints(nullable=bool(col.nullable), unique=bool(col.unique)))
            for name, col in cols.items()
        ]
    )


def definition_metadata(model: type[pa.DataFrameModel]) -> dict:
    return {"dagster/column_schema": column_schema(model)}


def frames_metadata(
    context: dg.AssetExecutionContext,
    frames: dict[str, pd.DataFrame],
    preview_cols: list[str] | None = None,
    asset_key: str | None = None,
) -> dict:
    """Per partition: its row count and a short markdown preview on its own materialization.

    Returns the run-level totals for the Output (a single-run backfill materializes many
    partitions in one step)."""
    for key, frame in frames.items():
        preview = frame[preview_cols] if preview_cols and len(frame) else frame
        text = preview.head(8).to_markdown(index=False) if len(preview) else "_no rows_"
        meta = {"dagster/row_count": int(len(frame)), "preview": dg.MetadataValue.md(text[:4000])}
        repairs = frame.attrs.get(REPAIRS) or []
        if repairs:  # values that broke their model were nulled or their rows dropped: say so
            meta["validation_repairs"] = dg.MetadataValue.json(repairs[:50])
            context.log.warning(f"{key}: {len(repairs)} value(s) failed validation and were repaired: {repairs[:3]}")
        errors = frame.attrs.get(ERRORS) or []
        if errors:
            meta["extraction_error"] = dg.MetadataValue.md(f"```\n{errors[-1]}\n```")
            context.log.error(f"{key}: extraction failed, document left without rows: {errors[0]}")
        context.add_asset_metadata(meta, asset_key=asset_key, partition_key=key)
    return {"rows_in_run": int(sum(len(f) for f in frames.values())), "documents_in_run": len(frames)}


def error_check(asset: str, frames: dict[str, pd.DataFrame]) -> dg.AssetCheckResult:
    """Warn when a document's extraction failed (its rows are missing until the rule is fixed)."""
    failed = {k: f.attrs[ERRORS][0] for k, f in frames.items() if f.attrs.get(ERRORS)}
    return dg.AssetCheckResult(
        check_name="no_extraction_errors", asset_key=asset, passed=not failed,
        severity=dg.AssetCheckSeverity.WARN, metadata={"failed_documents": dg.MetadataValue.json(failed)},
    )


def error_check_spec(asset: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec("no_extraction_errors", asset=asset,
                             description="Every document's extraction ran without an exception")
