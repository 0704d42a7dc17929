"""The DuckDB evidence warehouse: SQL models, quality gate, atomic publish, data dictionary.

Pure library (no Dagster): ``build_and_publish(settings)`` does everything ``mscflow build``
needs; mscflow/defs/warehouse.py exposes the same steps as assets and checks."""

from .pipeline import BuildReport, build_and_publish
from .query import run_query

__all__ = ["BuildReport", "build_and_publish", "run_query"]
