"""The DuckDB evidence warehouse: SQL model discovery, build, quality gate, atomic publish,
data dictionary and read-only queries. Pure library (no Dagster): mscflow/defs/warehouse.py
runs these same functions as assets and checks, and nothing else builds the warehouse.

Modules are imported by name (``mscflow.warehouse.build``, ``.gate``, ``.publish``, ``.query``):
nothing is imported here, so the light ones (``guards``, ``state``) stay light."""
