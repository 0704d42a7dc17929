"""The library outside mscflow/defs (and the CLI's runner) never imports Dagster (fast to
test, reusable)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import mscflow

LIBRARY = sorted(
    m.name for m in pkgutil.walk_packages(mscflow.__path__, "mscflow.")
    if not m.name.startswith(("mscflow.defs", "mscflow.definitions", "mscflow.cli.runner", "mscflow.cli.__main__"))
)


def test_library_modules_do_not_import_dagster():
    code = (
        "import importlib, sys\n"
        f"for name in {LIBRARY!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'dagster' or m.startswith('dagster.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"dagster imported by the library: {out.stdout[:200]}"
    assert len(LIBRARY) > 10
