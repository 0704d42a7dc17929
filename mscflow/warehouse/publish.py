"""Atomic publish: the gated build file replaces the published warehouse in one rename.

Readers that already hold the published file keep their (old) inode and go on working; new
readers see the new file; nothing waits for a lock. The analysts' copy of the build file (core,
marts and the dictionary, in a storage format DuckDB 1.x clients read: ``distribute.py``) is
written next to the published file first (same directory, so the rename cannot cross
filesystems); the build file stays in place, so a single model can be rebuilt and a failed build
inspected. While the gate judges the build file in its standby process, the CLI's process writes
that copy ahead (``copy_ahead``), so the publish after a passed gate is only the rename."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from .build import connect
from .distribute import write_analyst_copy
from .gate import GATE_FILE, GateFailed, GateReport, file_sha256
from .guards import WarehouseRefused, check_warehouse_path, held_read_write, remove_leftovers

log = logging.getLogger(__name__)
# copies written ahead by this process: publish temporary file -> sha256 of the build file copied
_AHEAD: dict[Path, str] = {}


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish_tmp(warehouse_path: Path) -> Path:
    """This process's temporary publish file, beside the published one (``guards`` removes a
    dead process's)."""
    return warehouse_path.with_name(f".{warehouse_path.name}.publish-{os.getpid()}")


def publish(build_file: Path, warehouse_path: Path, build_sha256: str | None = None) -> Path:
    """Replace ``warehouse_path`` by the analysts' copy of the (closed) build file
    (``distribute.write_analyst_copy``), atomically. A copy this process wrote ahead
    (``copy_ahead``) of the build file whose sha256 is ``build_sha256`` is used as it is.

    Refused (``WarehouseRefused``) when the path holds something other than a DuckDB file or
    another process holds the published file read-write."""
    try:
        check_warehouse_path(warehouse_path)
        if held_read_write(warehouse_path):
            raise WarehouseRefused(f"{warehouse_path} is open read-write in another process; not replacing it "
                                   "(close that connection, or open the warehouse read-only)")
    except WarehouseRefused:
        discard_ahead(warehouse_path)
        raise
    remove_leftovers(warehouse_path)
    wal = build_file.with_name(build_file.name + ".wal")
    if wal.exists():  # fold a leftover WAL into the file so the copy is complete
        with connect(build_file) as con:
            con.execute("CHECKPOINT")
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _publish_tmp(warehouse_path)
    ahead = _AHEAD.pop(tmp, None)
    try:
        if ahead is None or ahead != build_sha256 or not tmp.exists():
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


class _CopyAhead:
    def __init__(self, build_file: Path, warehouse_path: Path):
        self.build_file, self.tmp = build_file, _publish_tmp(warehouse_path)
        self.thread = threading.Thread(target=self._write, name="mscflow copy ahead", daemon=True)

    def _write(self) -> None:
        try:
            sha = file_sha256(self.build_file)
            write_analyst_copy(self.build_file, self.tmp)
            _fsync(self.tmp)
            if file_sha256(self.build_file) == sha:  # the file copied is the file named
                _AHEAD[self.tmp] = sha
            else:
                self.tmp.unlink(missing_ok=True)
        except Exception:  # noqa: BLE001 - the publish writes its copy itself then
            log.warning("writing the analysts' copy ahead failed; the publish will write it", exc_info=True)
            self.tmp.unlink(missing_ok=True)


def discard_ahead(warehouse_path: Path) -> None:
    """Forget and remove a copy written ahead (the gate failed, or the publish was refused)."""
    tmp = _publish_tmp(warehouse_path)
    if _AHEAD.pop(tmp, None) is not None:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def copy_ahead(build_file: Path, warehouse_path: Path, enabled: bool = True) -> Iterator[None]:
    """Write the analysts' copy of ``build_file`` on a thread of this process while the block
    runs: the gate judging the same file in its standby process, on the other core. DuckDB
    copies without holding the GIL. The publish then only renames the copy, if the gate passed
    on exactly that file (its sha256); a failed block removes it. Not with a build file that
    has a WAL (the publish folds it in first) or when ``enabled`` is False."""
    if not enabled or build_file.with_name(build_file.name + ".wal").exists() or not warehouse_path.parent.is_dir():
        yield
        return
    writer = _CopyAhead(build_file, warehouse_path)
    writer.thread.start()
    try:
        yield
    except BaseException:
        writer.thread.join()
        discard_ahead(warehouse_path)
        raise
    writer.thread.join()


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
        discard_ahead(warehouse_path)
        raise GateFailed(GateReport.from_dict(data))
    return publish(build_file, warehouse_path, data["build_sha256"])
