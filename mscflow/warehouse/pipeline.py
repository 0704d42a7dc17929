"""Build, gate and publish in one call: what ``mscflow build`` needs outside Dagster.

The Dagster assets (mscflow/defs/warehouse.py) run the same steps one model at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mscflow.settings import SQL_DIR, Settings

from .build import BuildResult, build
from .gate import GateReport, run_gate
from .publish import publish


@dataclass
class BuildReport:
    """Summary of one warehouse build: counts, the gate's verdict and whether it published."""

    build: BuildResult
    gate: GateReport
    published: bool
    warehouse_path: Path
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "build_file": str(self.build.path),
            "warehouse": str(self.warehouse_path),
            "published": self.published,
            "gate_passed": self.gate.passed,
            "failures": [f"{o.relation}: {o.check}: {o.detail}" for o in self.gate.failures],
            "data_docs": str(self.gate.data_docs_index) if self.gate.data_docs_index else None,
            "landing_rows": self.build.landing_rows,
            "rows": self.build.model_rows,
        }

    def summary(self) -> str:
        core = {k: v for k, v in self.build.model_rows.items() if not k.startswith("staging.")}
        lines = [f"{k}: {v} rows" for k, v in core.items()]
        lines.append(self.gate.summary())
        lines.append(f"published {self.warehouse_path}" if self.published
                     else f"NOT published; {self.warehouse_path} is unchanged")
        if self.gate.data_docs_index:
            lines.append(f"data docs: {self.gate.data_docs_index}")
        return "\n".join(lines)


def build_and_publish(settings: Settings, sql_dir: Path = SQL_DIR,
                      log: Callable[[str], None] | None = None) -> BuildReport:
    """Land the stage, run the models, gate the build file and publish it if the gate passed.

    A failed gate does not raise: the report says which checks failed and the published file
    is left byte-identical (callers exit non-zero on ``not report.published``)."""
    result = build(settings, sql_dir)
    report = run_gate(result.path, settings.quality_dir, log=log)
    published = report.passed
    if published:
        publish(result.path, settings.warehouse_path)
    out = BuildReport(build=result, gate=report, published=published, warehouse_path=settings.warehouse_path)
    if log:
        log(out.summary())
    return out
