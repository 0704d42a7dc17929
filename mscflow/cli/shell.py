"""``mscflow shell``: an interactive SQL client on the published file, read-only.

harlequin (a terminal SQL IDE, installed with mscflow) opens it with ``--read-only``; without it,
the DuckDB CLI (``duckdb -readonly``) is used when one is on the PATH."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def _find(name: str) -> str | None:
    """The executable beside this interpreter (the project's virtualenv) first, then the PATH."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def shell_command(warehouse: Path, prefer: str | None = None) -> list[str] | None:
    """The command that opens ``warehouse`` read-only, or None when no client is installed."""
    clients = {
        "harlequin": lambda exe: [exe, "--adapter", "duckdb", "--read-only", str(warehouse)],
        "duckdb": lambda exe: [exe, "-readonly", str(warehouse)],
    }
    order = [prefer] if prefer else list(clients)
    for name in order:
        exe = _find(name)
        if exe:
            return clients[name](exe)
    return None
