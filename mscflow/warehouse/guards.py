"""What the warehouse refuses to do, and what it cleans up after a crash.

- The warehouse path must be a DuckDB file (or not exist): ``MSCFLOW_WAREHOUSE`` pointing at
  someone's ``notes.txt`` is refused, never overwritten.
- A published file that another process holds read-write is not replaced: that writer would
  go on writing into the unlinked old file, and its WAL would break every later reader.
- One build at a time per data folder: a lock that dies with its process (``flock``), so a
  killed build never blocks the next one.
- Temporary publish files and stale WALs left by a killed process are removed at start.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from pathlib import Path

DUCKDB_MAGIC = b"DUCK"  # bytes 8-12 of every DuckDB database file
# a publish's temporary file, and the WAL DuckDB keeps beside it while it is written (a publish
# killed after its first write leaves both)
_TMP = re.compile(r"^\.(?P<name>.+)\.publish-(?P<pid>\d+)(?:\.wal)?$")


class WarehouseRefused(RuntimeError):
    """The warehouse cannot be written here, and why (one line)."""


def is_duckdb_file(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(12)[8:12] == DUCKDB_MAGIC


def check_warehouse_path(path: Path) -> None:
    """Refuse a warehouse path that holds something other than a DuckDB database."""
    if path.is_dir():
        raise WarehouseRefused(f"warehouse path {path} is a folder; set MSCFLOW_WAREHOUSE to a file")
    if path.exists() and path.stat().st_size and not is_duckdb_file(path):
        raise WarehouseRefused(f"warehouse path {path} exists and is not a DuckDB file; not overwriting it "
                               "(set MSCFLOW_WAREHOUSE elsewhere or move the file)")


def held_read_write(path: Path) -> bool:
    """True when another process has ``path`` open read-write (DuckDB holds an exclusive lock)."""
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing drops the probe's own lock
    return False


def process_alive(pid: int) -> bool:
    """True while process ``pid`` of this machine exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(warehouse_path: Path) -> list[Path]:
    """Temporary publish files of dead processes beside the published file."""
    removed = []
    folder = warehouse_path.parent
    if not folder.is_dir():
        return removed
    for p in folder.iterdir():
        m = _TMP.match(p.name)
        if m and m.group("name") == warehouse_path.name and not process_alive(int(m.group("pid"))):
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


@contextlib.contextmanager
def build_lock(data_dir: Path) -> Iterator[Path]:
    """Hold the data folder's build lock for the block; a second holder is refused at once,
    naming the process that holds it. The kernel drops the lock when its process dies."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / ".build.lock"
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise WarehouseRefused(f"another build or refresh is running on {data_dir} (pid {holder}); "
                                   "wait for it to finish") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield path
