"""DataFrames shaped by a pandera model: the one way every stage builds its output."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa


def empty_frame(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """No rows, but the model's columns and dtypes (a quarantined document still lands)."""
    cols = model.to_schema().columns
    return pd.DataFrame({name: pd.Series(dtype=_dtype(col)) for name, col in cols.items()})


def _dtype(col) -> str:
    text = str(col.dtype)
    return "object" if text in ("str", "string") else text


def frame_for(model: type[pa.DataFrameModel], records: list[dict]) -> pd.DataFrame:
    """Records -> validated frame in the model's column order (an empty frame keeps dtypes)."""
    if not records:
        return empty_frame(model)
    columns = list(model.to_schema().columns)
    frame = pd.DataFrame(records)
    for c in columns:
        if c not in frame.columns:
            frame[c] = None
    return model.validate(frame[columns], lazy=True)
