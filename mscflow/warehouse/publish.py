"""Atomic publish: the gated build file replaces the published warehouse in one rename.

Readers that already hold the published file keep their (old) inode and go on working; new
readers see the new file; nothing waits for a lock. The analysts' copy of the build file (core,
marts and the dictionary, in a storage format DuckDB 1.x clients read: ``distribute.py``) is
written next to the published file first (same directory, so the rename cannot cross
filesystems); the build file stays in place, so a single model can be rebuilt and a failed build
inspected."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .build import connect
from .distribute import write_analyst_copy
from .gate import GATE_FILE, GateFailed, GateReport, file_sha256
from .guards import WarehouseRefused, check_warehouse_path, held_read_write, remove_leftovers


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(build_file: Path, warehouse_path: Path) -> Path:
    """Replace ``warehouse_path`` by the analysts' copy of the (closed) build file
    (``distribute.write_analyst_copy``), atomically.

    Refused (``WarehouseRefused``) when the path holds something other than a DuckDB file or
    another process holds the published file read-write."""
    check_warehouse_path(warehouse_path)
    if held_read_write(warehouse_path):
        raise WarehouseRefused(f"{warehouse_path} is open read-write in another process; not replacing it "
                               "(close that connection, or open the warehouse read-only)")
    remove_leftovers(warehouse_path)
    wal = build_file.with_name(build_file.name + ".wal")
    if wal.exists():  # fold a leftover WAL into the file so the copy is complete
        with connect(build_file) as con:
            con.execute("CHECKPOINT")
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = warehouse_path.with_name(f".{warehouse_path.name}.publish-{os.getpid()}")
    try:
        write_analyst_copy(build_file, tmp)  # core, marts, dictionary; 1.x-readable
        _fsync(tmp)
        # a WAL left by a crashed writer of the old file would not match the new one: every
        # later open would fail with "WAL does not match database file"
        warehouse_path.with_name(warehouse_path.name + ".wal").unlink(missing_ok=True)
        os.replace(tmp, warehouse_path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync(warehouse_path.parent)
    return warehouse_path


def publish_if_gated(build_file: Path, warehouse_path: Path, quality_dir: Path) -> Path:
    """Publish only if the last gate run (``<quality_dir>/gate.json``) passed on exactly this
    build file: a publish triggered on its own can never ship an ungated or changed build."""
    verdict = quality_dir / GATE_FILE
    if not verdict.exists():
        raise RuntimeError(f"no gate result at {verdict}: run the quality gate before publishing")
    data = json.loads(verdict.read_text(encoding="utf-8"))
    if data.get("build_sha256") != file_sha256(build_file):
        raise RuntimeError(f"the build file {build_file} changed since the gate ran: run the gate again")
    if not data.get("passed"):
        raise GateFailed(GateReport.from_dict(data))
    return publish(build_file, warehouse_path)
