"""Files replaced whole: written under a temporary name beside the target, then renamed over it,
so a reader sees the old content or the new, never half of either."""

from __future__ import annotations

import os
from pathlib import Path


def replace_file(path: Path, data: bytes) -> Path:
    """Write ``data`` as ``path`` atomically (the temporary name carries this process's pid, so
    two writers never share one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path
