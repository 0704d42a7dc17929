"""What the warehouse refuses, and how each refusal reads: one line naming the cause, a
non-zero exit, and nothing overwritten. Real CLI processes, real DuckDB files, a real full disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mscflow.settings import Settings
from mscflow.warehouse.build import build
from mscflow.warehouse.guards import WarehouseRefused, build_lock, remove_leftovers
from mscflow.warehouse.publish import publish

ROOT = Path(__file__).resolve().parents[2]


def cli(tmp_path: Path, *args: str, warehouse: Path | None = None, seeds: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MSCFLOW_SEEDS": str(seeds or ROOT / "seeds"),
           "MSCFLOW_WAREHOUSE": str(warehouse or tmp_path / "data" / "mscflow.duckdb"),
           "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    return subprocess.run([sys.executable, "-m", "mscflow.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def one_line_failure(out: subprocess.CompletedProcess, *words: str) -> str:
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.startswith("mscflow")]
    assert len(lines) == 1, out.stderr[-2000:]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_an_existing_file_that_is_not_duckdb_is_never_overwritten(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    for command in ("build", "refresh"):
        out = cli(tmp_path, command, warehouse=notes)
        one_line_failure(out, str(notes), "is not a DuckDB file")
    assert notes.read_text(encoding="utf-8") == "my notes\n"


def test_a_folder_as_warehouse_path_is_refused(tmp_path):
    folder = tmp_path / "wh.duckdb"
    folder.mkdir()
    one_line_failure(cli(tmp_path, "build", warehouse=folder), "is a folder")


def test_a_second_build_is_refused_at_once_naming_the_holder(tmp_path):
    data = tmp_path / "data"
    with build_lock(data):
        out = cli(tmp_path, "refresh")
    one_line_failure(out, "another build or refresh is running", f"pid {os.getpid()}")


def test_a_publish_never_replaces_a_file_held_read_write(wh_settings: Settings):
    publish(build(wh_settings).path, wh_settings.warehouse_path)
    before = wh_settings.warehouse_path.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); sys.stdin.read()", str(wh_settings.warehouse_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(WarehouseRefused, match="open read-write in another process"):
            publish(build(wh_settings).path, wh_settings.warehouse_path)
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert wh_settings.warehouse_path.read_bytes() == before


def test_leftover_publish_files_of_dead_processes_are_removed(tmp_path):
    warehouse = tmp_path / "mscflow.duckdb"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          timeout=60, check=True).stdout.strip()
    stale = tmp_path / f".mscflow.duckdb.publish-{dead}"
    stale_wal = tmp_path / f".mscflow.duckdb.publish-{dead}.wal"  # a publish killed after its first write
    live = tmp_path / f".mscflow.duckdb.publish-{os.getpid()}"
    live_wal = tmp_path / f".mscflow.duckdb.publish-{os.getpid()}.wal"
    other = tmp_path / f".other.duckdb.publish-{dead}"
    for p in (stale, stale_wal, live, live_wal, other):
        p.write_bytes(b"partial")
    assert sorted(remove_leftovers(warehouse)) == [stale, stale_wal]
    assert live.exists() and live_wal.exists() and other.exists()


@pytest.fixture
def full_disk(tmp_path):
    """A 256 KiB file system (tmpfs), or a skip where mounting is not allowed."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True, timeout=60)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=60)


def test_a_full_disk_is_named_in_one_line_and_exits_non_zero(tmp_path, full_disk):
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    out = cli(tmp_path, "build", warehouse=full_disk / "data" / "mscflow.duckdb", seeds=seeds)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    not_published = [line for line in out.stderr.splitlines() if line.startswith("not published:")]
    assert len(not_published) == 1 and "No space left on device" in not_published[0], out.stderr[-3000:]
    assert not (full_disk / "data" / "mscflow.duckdb").exists()
