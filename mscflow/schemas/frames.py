"""DataFrames shaped by a pandera model: the one way every stage builds its output.

An extracted value that breaks its model (a code outside the vocabulary, a dose out of range)
must not crash the run for every document, nor vanish: it is set to null, and the repair is
recorded on the frame (``frame.attrs["repairs"]``) for the asset's metadata and log. A row
whose problem cannot be nulled away (a broken key) is left out and recorded the same way."""

from __future__ import annotations

import math

import pandas as pd
import pandera.errors as pa_errors
import pandera.pandas as pa

REPAIRS = "repairs"


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
    return validate_or_repair(model, frame[columns])


def _allows_other(column) -> bool:
    """A coded column whose vocabulary has the catch-all code ``other``."""
    return any("other" in (c.statistics or {}).get("allowed_values", ()) for c in column.checks)


def validate_or_repair(model: type[pa.DataFrameModel], frame: pd.DataFrame, rounds: int = 3) -> pd.DataFrame:
    """Validate; on failure null the offending nullable values (a coded value outside the
    vocabulary becomes ``other`` where the vocabulary has it, else the row is dropped) and say
    so. Repairs can expose a dependent check (a dose range with one end nulled), hence rounds."""
    schema_cols = model.to_schema().columns
    repairs: list[str] = []
    for _ in range(rounds):
        try:
            out = model.validate(frame, lazy=True)
        except pa_errors.SchemaErrors as exc:
            frame = _repair(frame, exc, schema_cols, repairs)
            continue
        out.attrs[REPAIRS] = repairs
        return out
    return model.validate(frame, lazy=True)  # still broken: raise with pandera's own message


def _repair(frame: pd.DataFrame, exc: pa_errors.SchemaErrors, schema_cols: dict, repairs: list[str]) -> pd.DataFrame:
    frame = frame.copy()
    drop: set[int] = set()
    for case in exc.failure_cases.to_dict("records"):
        index, column = case.get("index"), case.get("column")
        if index is None or (isinstance(index, float) and math.isnan(index)):
            raise exc  # a frame-level problem (missing column, wrong dtype): nothing to repair
        index = int(index)
        check = str(case.get("check")).split("(")[0]
        value = case.get("failure_case")
        col = schema_cols.get(column)
        if col is not None and col.nullable:
            frame.loc[index, column] = None
            repairs.append(f"row {index}: {column}={value!r} nulled ({check})")
        elif col is not None and _allows_other(col):
            frame.loc[index, column] = "other"
            repairs.append(f"row {index}: {column}={value!r} set to 'other' ({check})")
        else:
            drop.add(index)
            repairs.append(f"row {index}: dropped, {column}={value!r} ({check})")
    return frame.drop(index=sorted(drop)) if drop else frame
