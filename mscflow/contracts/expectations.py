"""Great Expectations column expectations derived from a contract, so the gate's column checks
and the pandera model can never disagree (``tests/unit/test_contracts.py`` holds them side by side).

Great Expectations is imported by the caller (its import costs seconds): pass its
``great_expectations.expectations`` module as ``gxe``."""

from __future__ import annotations

from typing import Any

from .base import Contract

_BOUNDS = {"greater_than_or_equal_to": "min_value", "less_than_or_equal_to": "max_value"}


def column_bounds(column) -> dict[str, float]:
    """``{"min_value": .., "max_value": ..}`` of a pandera column's ge/le/in_range checks."""
    out: dict[str, float] = {}
    for check in column.checks:
        stats = check.statistics or {}
        if check.name in _BOUNDS:
            out[_BOUNDS[check.name]] = stats[_BOUNDS[check.name]]
        elif check.name == "in_range":
            out.update(min_value=stats["min_value"], max_value=stats["max_value"])
    return out


def column_expectations(contract: Contract, gxe: Any) -> list[Any]:
    """One expectation per column constraint of the contract: not null, unique, codes, bounds,
    patterns, compound keys and ordered column pairs."""
    out: list[Any] = []
    why = f"from the pandera contract of {contract.name}"
    for name, col in contract.schema.columns.items():
        if not col.nullable:
            out.append(gxe.ExpectColumnValuesToNotBeNull(column=name, description=why))
        if col.unique:
            out.append(gxe.ExpectColumnValuesToBeUnique(column=name, description=why))
        for check in col.checks:
            stats = check.statistics or {}
            if check.name == "isin":
                out.append(gxe.ExpectColumnValuesToBeInSet(column=name, value_set=list(stats["allowed_values"]),
                                                           description=why))
            elif check.name == "str_matches":
                out.append(gxe.ExpectColumnValuesToMatchRegex(column=name, regex=stats["pattern"], description=why))
        bounds = column_bounds(col)
        if bounds:
            out.append(gxe.ExpectColumnValuesToBeBetween(column=name, **bounds, description=why))
    if contract.schema.unique:
        out.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(contract.schema.unique), description=why))
    for pair in contract.ordered:
        out.append(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=pair.high, column_B=pair.low, or_equal=not pair.strict,
            ignore_row_if="either_value_is_missing", description=f"{pair.name} ({why})"))
    return out
