"""Contracts as Dagster types: every per-document output is type-checked at the boundary.

The frames were validated by their contract where they were made (``frame_for``,
``clean_batch``, ``extract_batch``: once per batch), so the type checks their shape only: a
mapping of documents to DataFrames with the contract's columns. Validating every row again
here cost a third of a document run."""

from functools import cache

import dagster as dg
import pandas as pd

from mscflow.contracts import Contract
from mscflow.store import StoredFrames


@cache
def frames_type(contract: Contract) -> dg.DagsterType:
    """``{partition key: DataFrame}`` whose every frame has exactly ``contract``'s columns, or
    frames already stored (``StoredFrames``) with those columns, in the contract's table."""
    expected = list(contract.columns)

    def check(_context, value: object) -> dg.TypeCheck:
        if isinstance(value, StoredFrames):
            return _check_stored(value)
        if not isinstance(value, dict):
            return dg.TypeCheck(False, description=f"expected {{document: DataFrame}}, got {type(value).__name__}")
        for key, frame in value.items():
            if not isinstance(frame, pd.DataFrame):
                return dg.TypeCheck(False, description=f"{key}: not a DataFrame")
            if list(frame.columns) != expected:
                return _differs(key, list(frame.columns))
        return dg.TypeCheck(True, metadata={"documents": len(value), "rows": int(sum(len(f) for f in value.values()))})

    def _check_stored(value: StoredFrames) -> dg.TypeCheck:
        if value.table != contract.name:
            return dg.TypeCheck(False, description=f"stored as {value.table}, not {contract.name}")
        if value.columns is not None and list(value.columns) != expected:
            return _differs("the stored batch", list(value.columns))
        return dg.TypeCheck(True, metadata={"documents": len(value), "rows": int(sum((value.rows or {}).values()))})

    def _differs(where: str, columns: list[str]) -> dg.TypeCheck:
        missing = sorted(set(expected) - set(columns))
        extra = sorted(set(columns) - set(expected))
        return dg.TypeCheck(False, description=f"{where}: columns differ from the contract of {contract.name} "
                                               f"(missing {missing}, unexpected {extra})")

    return dg.DagsterType(
        type_check_fn=check,
        name=f"{contract.model.__name__}Frames",
        description=f"Per-document DataFrames with the columns of the contract of {contract.name} "
        f"({contract.model.__name__}), validated by it where they were made.",
    )
