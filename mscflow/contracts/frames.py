"""Frames shaped by a contract: the one way every stage builds and validates its output.

An extracted value that breaks its contract (a code outside the vocabulary, a dose out of
range) must not crash the run for every document, nor vanish: it is set to null (or to the
vocabulary's ``other``), and the repair is returned beside the frame for the asset's metadata
and log. A row whose problem cannot be nulled away (a broken key) is left out and recorded
the same way. Validation runs once per batch of records, whatever documents they come from."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd
import pandera.errors as pa_errors

from .base import Contract


@dataclass(frozen=True)
class Repair:
    """One value (or row) changed so that its frame satisfies the contract."""

    row: int  # index of the record in the list given to ``frame_for``
    text: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.text}"


@dataclass
class Validated:
    """A frame that satisfies its contract, and the repairs that made it so."""

    frame: pd.DataFrame
    repairs: list[Repair] = field(default_factory=list)


@dataclass(eq=False)
class BatchFrames(Mapping[str, pd.DataFrame]):
    """A batch's validated frame and each document's rows in it (``spans``: key -> the
    positions [lo, hi) of its rows, in the batch's key order). A document's own frame is cut
    on access; the store writes the batch from one Arrow conversion, not one per document."""

    contract: Contract
    frame: pd.DataFrame  # a positional index
    spans: dict[str, tuple[int, int]]

    def __getitem__(self, key: str) -> pd.DataFrame:
        lo, hi = self.spans[key]
        return self.frame.iloc[lo:hi].reset_index(drop=True) if hi > lo else empty_frame(self.contract)

    def __iter__(self) -> Iterator[str]:
        return iter(self.spans)

    def __len__(self) -> int:
        return len(self.spans)

    def rows(self, key: str) -> int:
        lo, hi = self.spans[key]
        return hi - lo


def empty_frame(contract: Contract) -> pd.DataFrame:
    """No rows, but the contract's columns and dtypes (a quarantined document still lands).

    Built once per contract and copied: a batch asks for one per document and table, and
    building the typed columns costs milliseconds each time."""
    key = (contract.name, tuple((n, str(c.dtype)) for n, c in contract.schema.columns.items()))
    template = _EMPTY.get(key)
    if template is None:
        template = _EMPTY[key] = pd.DataFrame(
            {name: pd.Series(dtype=_dtype(col)) for name, col in contract.schema.columns.items()})
    return template.copy()


_EMPTY: dict[tuple, pd.DataFrame] = {}


def _dtype(col) -> str:
    text = str(col.dtype)
    return "object" if text.startswith(("str", "string")) else text


def frame_for(contract: Contract, records: list[dict]) -> Validated:
    """Records -> validated frame in the contract's column order (an empty frame keeps dtypes)."""
    if not records:
        return Validated(empty_frame(contract))
    frame = pd.DataFrame.from_records(records)
    for c in contract.columns:
        if c not in frame.columns:
            frame[c] = None
    return validate_or_repair(contract, frame[list(contract.columns)])


def _allows_other(column) -> bool:
    """A coded column whose vocabulary has the catch-all code ``other``."""
    return any("other" in (c.statistics or {}).get("allowed_values", ()) for c in column.checks)


def validate_or_repair(contract: Contract, frame: pd.DataFrame, rounds: int = 3) -> Validated:
    """Validate; on failure null the offending nullable values (a coded value outside the
    vocabulary becomes ``other`` where the vocabulary has it, else the row is dropped) and say
    so. Repairs can expose a dependent check (a dose range with one end nulled), hence rounds."""
    schema = contract.schema
    repairs: list[Repair] = []
    for _ in range(rounds):
        try:
            return Validated(schema.validate(frame, lazy=True), repairs)
        except pa_errors.SchemaErrors as exc:
            frame = _repair(frame, exc, schema.columns, repairs)
    return Validated(schema.validate(frame, lazy=True), repairs)  # still broken: pandera's own message


def _repair(frame: pd.DataFrame, exc: pa_errors.SchemaErrors, schema_cols: dict, repairs: list[Repair]) -> pd.DataFrame:
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
            repairs.append(Repair(index, f"{column}={value!r} nulled ({check})"))
        elif col is not None and _allows_other(col):
            frame.loc[index, column] = "other"
            repairs.append(Repair(index, f"{column}={value!r} set to 'other' ({check})"))
        else:
            drop.add(index)
            repairs.append(Repair(index, f"dropped, {column}={value!r} ({check})"))
    return frame.drop(index=sorted(drop)) if drop else frame


def schema_message(exc: Exception) -> str:
    """A validation failure in one line: the first few failing columns, checks and values."""
    cases = getattr(exc, "failure_cases", None)
    if isinstance(cases, pd.DataFrame) and len(cases):
        parts = [f"{r.get('column')}: {r.get('check')} (got {r.get('failure_case')!r})"
                 for r in cases.drop_duplicates(["column", "check"]).head(5).to_dict("records")]
        return f"{len(cases)} failure(s): " + "; ".join(parts)
    return str(exc).splitlines()[0][:500]
