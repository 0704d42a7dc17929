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


def frames_metadata(frames: dict[str, pd.DataFrame], preview_cols: list[str] | None = None) -> dict:
    """Row count plus a short markdown preview.

    A single-run backfill records one materialization per partition with the same metadata,
    so the Dagster row count is only claimed when the run processed one document."""
    non_empty = [f for f in frames.values() if len(f)]
    combined = pd.concat(non_empty, ignore_index=True) if non_empty else pd.DataFrame()
    preview = combined[preview_cols] if preview_cols and len(combined) else combined
    text = preview.head(8).to_markdown(index=False) if len(preview) else "_no rows_"
    count_key = "dagster/row_count" if len(frames) == 1 else "rows_in_run"
    return {
        count_key: int(len(combined)),
        "documents_in_run": len(frames),
        "preview": dg.MetadataValue.md(text[:4000]),
    }
