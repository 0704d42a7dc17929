"""Asset metadata shared by every stage: column schema from pandera, row counts, preview."""


import dagster as dg
import pandas as pd
import pandera.pandas as pa

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
        context.add_asset_metadata(
            {"dagster/row_count": int(len(frame)), "preview": dg.MetadataValue.md(text[:4000])},
            asset_key=asset_key, partition_key=key,
        )
    return {"rows_in_run": int(sum(len(f) for f in frames.values())), "documents_in_run": len(frames)}
