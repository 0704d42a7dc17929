"""Two real processes: a reader holds the published file while a build publishes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mscflow import store
from mscflow.settings import Settings
from mscflow.warehouse.build import build
from mscflow.warehouse.publish import publish
from mscflow.warehouse.query import run_query

READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
def count():
    return con.execute("SELECT count(*) FROM core.documents").fetchone()[0]
print(count(), flush=True)
for line in sys.stdin:      # one query per line received, on the same connection
    print(count(), flush=True)
"""



def _reader(path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", READER, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _ask(proc: subprocess.Popen) -> int:
    proc.stdin.write("again\n")
    proc.stdin.flush()
    return int(proc.stdout.readline())


def test_reader_keeps_working_while_a_build_publishes(wh_settings: Settings):
    publish(build(wh_settings).path, wh_settings.warehouse_path)
    old = _reader(wh_settings.warehouse_path)
    try:
        assert int(old.stdout.readline()) == 2  # the reader holds the file open now

        store.remove_document(wh_settings.store_dir, "b.txt")
        started = time.monotonic()
        publish(build(wh_settings).path, wh_settings.warehouse_path)  # never waits for the reader
        assert time.monotonic() - started < 30

        assert _ask(old) == 2  # the open reader still sees its (old) snapshot
        new = subprocess.run([sys.executable, "-c", READER, str(wh_settings.warehouse_path)],
                             input="", capture_output=True, text=True, timeout=60, check=True)
        assert int(new.stdout.split()[0]) == 1  # a new reader sees the new data
        assert _ask(old) == 2
    finally:
        old.stdin.close()
        old.wait(timeout=30)
    assert old.returncode == 0, old.stderr.read()


def test_stale_wal_of_the_published_file_is_removed(wh_settings: Settings):
    wal = wh_settings.warehouse_path.with_name(wh_settings.warehouse_path.name + ".wal")
    wh_settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    wal.write_bytes(b"stale")
    publish(build(wh_settings).path, wh_settings.warehouse_path)
    assert not wal.exists()
    assert "2" in run_query(wh_settings.warehouse_path, "SELECT count(*) AS n FROM core.documents")


def test_query_formats_and_read_only(wh_settings: Settings):
    publish(build(wh_settings).path, wh_settings.warehouse_path)
    sql = "SELECT disease, n_studies FROM marts.evidence_by_disease"
    assert json.loads(run_query(wh_settings.warehouse_path, sql, "json")) == [
        {"disease": "knee_osteoarthritis", "n_studies": 3}]
    assert run_query(wh_settings.warehouse_path, sql, "csv").splitlines() == ["disease,n_studies",
                                                                            "knee_osteoarthritis,3"]
    assert "knee_osteoarthritis" in run_query(wh_settings.warehouse_path, sql, "table")
    with pytest.raises(Exception, match="(?i)read.only"):
        run_query(wh_settings.warehouse_path, "DELETE FROM core.studies")


def test_a_copy_written_ahead_is_published_only_for_the_gated_build_file(wh_settings: Settings):
    """While the gate judges the build file, its analysts' copy is written beside the published
    file; the publish renames that very file when the sha256 the gate passed on is the one
    copied, writes a fresh copy for any other, and a failed block leaves nothing behind."""
    import os

    import duckdb

    from mscflow.warehouse.gate import file_sha256
    from mscflow.warehouse.publish import copy_ahead

    path = build(wh_settings).path
    target = wh_settings.warehouse_path
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.publish-{os.getpid()}")

    def written_ahead_and_marked() -> None:
        with copy_ahead(path, target):
            pass
        with duckdb.connect(str(tmp)) as con:  # a mark only the copy written ahead carries
            con.execute("CREATE TABLE core.written_ahead AS SELECT 1 AS x")

    def marked() -> bool:
        return "written_ahead" in run_query(target, "SELECT table_name FROM duckdb_tables()", fmt="csv")

    written_ahead_and_marked()
    publish(path, target, file_sha256(path))
    assert marked() and not tmp.exists()

    written_ahead_and_marked()
    publish(path, target, "0" * 64)  # not the file that was copied: written again
    assert not marked() and not tmp.exists()

    with pytest.raises(RuntimeError, match="gate broke"), copy_ahead(path, target):
        raise RuntimeError("gate broke")
    assert not tmp.exists()
