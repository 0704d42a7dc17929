"""pandera models as Dagster types: every per-document output is type-checked at the boundary."""

from functools import cache

import dagster as dg
import pandas as pd
import pandera.errors as pa_errors
import pandera.pandas as pa


@cache
def frames_type(model: type[pa.DataFrameModel]) -> dg.DagsterType:
    """``{partition key: DataFrame}`` whose every frame satisfies ``model``."""

    def check(_context, value: object) -> dg.TypeCheck:
        if not isinstance(value, dict):
            return dg.TypeCheck(False, description=f"expected {{document: DataFrame}}, got {type(value).__name__}")
        for key, frame in value.items():
            if not isinstance(frame, pd.DataFrame):
                return dg.TypeCheck(False, description=f"{key}: not a DataFrame")
            try:
                model.validate(frame, lazy=True)
            except (pa_errors.SchemaError, pa_errors.SchemaErrors) as exc:
                return dg.TypeCheck(False, description=f"{key}: {str(exc).splitlines()[0][:300]}")
        return dg.TypeCheck(True, metadata={"documents": len(value), "rows": int(sum(len(f) for f in value.values()))})

    return dg.DagsterType(
        type_check_fn=check,
        name=f"{model.__name__}Frames",
        description=f"Per-document DataFrames validated by the pandera model {model.__name__}.",
    )
