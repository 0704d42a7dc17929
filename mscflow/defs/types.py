"""Contracts as Dagster types: every per-document output is type-checked at the boundary,
once per output (the frames of a batch are checked together, not one by one)."""

from functools import cache

import dagster as dg
import pandas as pd
import pandera.errors as pa_errors

from mscflow.contracts import Contract


@cache
def frames_type(contract: Contract) -> dg.DagsterType:
    """``{partition key: DataFrame}`` whose every frame satisfies ``contract``."""

    def check(_context, value: object) -> dg.TypeCheck:
        if not isinstance(value, dict):
            return dg.TypeCheck(False, description=f"expected {{document: DataFrame}}, got {type(value).__name__}")
        bad = [k for k, f in value.items() if not isinstance(f, pd.DataFrame)]
        if bad:
            return dg.TypeCheck(False, description=f"{bad[0]}: not a DataFrame")
        filled = {k: f for k, f in value.items() if len(f)}
        try:
            if filled:
                contract.schema.validate(pd.concat(filled.values(), ignore_index=True), lazy=True)
        except (pa_errors.SchemaError, pa_errors.SchemaErrors):
            return dg.TypeCheck(False, description=_first_failure(contract, filled))
        return dg.TypeCheck(True, metadata={"documents": len(value), "rows": int(sum(len(f) for f in value.values()))})

    return dg.DagsterType(
        type_check_fn=check,
        name=f"{contract.model.__name__}Frames",
        description=f"Per-document DataFrames satisfying the contract of {contract.name} ({contract.model.__name__}).",
    )


def _first_failure(contract: Contract, frames: dict[str, pd.DataFrame]) -> str:
    """Which document broke the contract, found only once the batch has failed."""
    for key, frame in frames.items():
        try:
            contract.schema.validate(frame, lazy=True)
        except (pa_errors.SchemaError, pa_errors.SchemaErrors) as exc:
            return f"{key}: {str(exc).splitlines()[0][:300]}"
    return "the batch breaks a cross-document constraint (e.g. a unique key)"
