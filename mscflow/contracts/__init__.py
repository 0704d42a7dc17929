"""One contract per table (its pandera model): the single source of its columns, types, bounds,
codes and descriptions. Nothing else in mscflow lists a table's columns; everything is derived
from ``CONTRACTS`` (see ``base.Contract`` and ``registry``).

The registry, and pandera with it, is imported on first use of one of its names: a module that
needs only the quarantine reason codes (``contracts.reasons``: ingest, a refresh with nothing to
do) does not pay a second for it."""

from __future__ import annotations

from importlib import import_module

_REGISTRY = frozenset({"CONTRACTS", "EXTRACTED_TABLES", "SPAN", "WAREHOUSE_TABLES", "contract", "fact_fields",
                       "FACT", "PRODUCT", "REPAIR", "Contract", "Ordered"})


def __getattr__(name: str) -> object:
    if name in _REGISTRY:
        return getattr(import_module(".registry", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(_REGISTRY | set(globals()))
