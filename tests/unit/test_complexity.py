"""Rule engines are named passes: no function of mscflow/ above cyclomatic complexity 20."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 20


def test_no_function_above_the_complexity_limit():
    over = []
    for path in sorted((ROOT / "mscflow").rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if block.complexity > LIMIT:
                over.append(f"{path.relative_to(ROOT)}::{block.name} ({block.complexity})")
    assert not over, f"split these into named passes: {over}"
