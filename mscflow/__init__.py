"""mscflow: Chinese MSC-therapy articles -> an analyst-ready DuckDB evidence warehouse.

Everything in this package except ``mscflow.defs`` and ``mscflow.definitions`` is a pure
library with no Dagster import (``tests/test_layering.py`` enforces it).
"""

__version__ = "0.1.0"
