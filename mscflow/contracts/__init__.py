"""One contract per table (its pandera model): the single source of its columns, types, bounds,
codes and descriptions. Nothing else in mscflow lists a table's columns; everything is derived
from ``CONTRACTS`` (see ``base.Contract`` and ``registry``).

The registry, and pandera with it, is imported on first use of one of its names: a module that
needs only the quarantine reason codes (``contracts.reasons``: ingest, a refresh with nothing to
do) does not pay a second for it."""

from __future__ import annotations

from mscflow.lazy import lazy_exports

_REGISTRY = frozenset({"CONTRACTS", "EXTRACTED_TABLES", "SPAN", "WAREHOUSE_TABLES", "contract", "fact_fields",
                       "FACT", "PRODUCT", "REPAIR", "Contract", "Ordered"})


__getattr__, __dir__ = lazy_exports(__name__, ".registry", _REGISTRY)
