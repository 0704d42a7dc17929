"""The DuckDB evidence warehouse: SQL model discovery, build, quality gate, atomic publish,
data dictionary and read-only queries. Pure library (no Dagster): mscflow/defs/warehouse.py
runs these same functions as assets and checks, and nothing else builds the warehouse."""

from .build import build, land, run_model
from .gate import GateFailed, GateReport, run_gate
from .publish import publish, publish_if_gated
from .query import run_query

__all__ = ["GateFailed", "GateReport", "build", "land", "publish", "publish_if_gated", "run_gate", "run_model", "run_query"]
