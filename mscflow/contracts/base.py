"""A table's contract: its pandera model plus the few facts a model cannot hold.

Everything else about a table is derived from its contract: record keys and column lists,
empty and validated frames, the DuckDB types of the staging casts, the column-level Great
Expectations suite, the Dagster column schema, the warehouse COMMENTs and the scorer's fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd
import pandera.pandas as pa

from .pandas_only import scope_pandera_to_pandas

scope_pandera_to_pandas()  # before any schema is built (see the module)

# column roles, set as ``pa.Field(metadata=...)``
FACT = {"role": "fact"}  # a field of gold/SCHEMA.md: read from the text, scored against the gold
# a fact about the cells given (whose, how, how much): read from the sentences that give them
PRODUCT = {"role": "fact", "aspect": "product"}
REPAIR = {"role": "repair"}  # a count of one kind of cleaning repair

# pandera dtype -> DuckDB type of the staging cast
_DUCKDB_TYPES = {
    "str": "VARCHAR", "string": "VARCHAR", "string[pyarrow]": "VARCHAR", "string[python]": "VARCHAR",
    "int64": "BIGINT", "Int64": "BIGINT", "float64": "DOUBLE", "Float64": "DOUBLE",
    "bool": "BOOLEAN", "boolean": "BOOLEAN",
}


@dataclass(frozen=True)
class Ordered:
    """Two columns where ``low`` never exceeds ``high`` (``strict``: ``low < high``)."""

    low: str
    high: str
    strict: bool = False

    def holds(self, df: pd.DataFrame) -> pd.Series:
        both = df[self.low].notna() & df[self.high].notna()
        ok = df[self.low] < df[self.high] if self.strict else df[self.low] <= df[self.high]
        return ~both | ok.fillna(False)

    @property
    def name(self) -> str:
        return f"{self.low}_{'below' if self.strict else 'not_above'}_{self.high}"


@dataclass(frozen=True)
class Contract:
    """One table: its name everywhere (asset, store folder, SQL model), model and key."""

    name: str
    model: type[pa.DataFrameModel]
    key: tuple[str, ...]
    ordered: tuple[Ordered, ...] = ()
    in_warehouse: bool = True  # lands as landing.<name> -> staging.<name> -> core.<name>
    preview: tuple[str, ...] = ()  # the columns a materialization's preview shows (all when empty)

    @cached_property
    def schema(self) -> pa.DataFrameSchema:
        """The model's schema with the contract's column-pair checks added."""
        schema = self.model.to_schema()
        schema.checks = [*schema.checks, *(pa.Check(o.holds, name=o.name) for o in self.ordered)]
        return schema

    @property
    def description(self) -> str:
        return (self.model.__doc__ or self.name).strip().split("\n\n")[0].replace("\n", " ")

    @cached_property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.schema.columns)

    def columns_with(self, role: dict) -> tuple[str, ...]:
        """Columns whose Field metadata carries ``role`` (e.g. ``FACT``)."""
        return tuple(n for n, c in self.schema.columns.items() if (c.metadata or {}).get("role") == role["role"])

    def columns_about(self, aspect: str) -> tuple[str, ...]:
        """Columns whose Field metadata names this ``aspect`` (e.g. ``product``)."""
        return tuple(n for n, c in self.schema.columns.items() if (c.metadata or {}).get("aspect") == aspect)

    @cached_property
    def descriptions(self) -> dict[str, str]:
        return {n: c.description or "" for n, c in self.schema.columns.items()}

    @cached_property
    def duckdb_types(self) -> dict[str, str]:
        return {n: duckdb_type(c.dtype) for n, c in self.schema.columns.items()}

    def empty_record(self) -> dict[str, object]:
        return dict.fromkeys(self.columns)


def duckdb_type(dtype: object) -> str:
    text = str(dtype)
    if text not in _DUCKDB_TYPES:
        raise ValueError(f"no DuckDB type for pandera dtype {text!r}; add it to contracts/base.py")
    return _DUCKDB_TYPES[text]
