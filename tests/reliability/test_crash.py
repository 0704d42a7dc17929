"""kill -9 of ``mscflow build`` and ``mscflow refresh`` at six points, each followed by one
``mscflow refresh``: the published file always opens, and after the refresh it equals a clean
build of the same seeds. Every command runs under a timeout, so a stuck pool slot or lock
would fail the test instead of hanging it.

A point is recognised from the outside, as an operator would see it: a progress line on
stderr, or a file the stage writes (the store, the build file, the gate's verdict, the
publish's temporary file, the published file)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from mscflow import store

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ("001_f265937341a56d21.txt", "003_76ec61e83f750a5e.txt")  # the two quickest seeds, one with a registry
EDITED = SEEDS[0]
VERSIONS = {"A": lambda text: text, "B": lambda text: text.replace("875名", "876名") + "\n补充说明：本文已更新。\n"}
TIMEOUT = 600  # any command taking longer is stuck


def env_for(root: Path) -> dict[str, str]:
    return {**os.environ, "MSCFLOW_SEEDS": str(root / "seeds"), "MSCFLOW_WAREHOUSE": str(root / "data" / "mscflow.duckdb"),
            "DAGSTER_HOME": str(root / "dagster_home")}


def write_seeds(root: Path, version: str) -> None:
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    for name in SEEDS:
        text = (ROOT / "seeds" / name).read_text(encoding="utf-8")
        (root / "seeds" / name).write_text(VERSIONS[version](text) if name == EDITED else text, encoding="utf-8")


def cli(root: Path, command: str) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, "-m", "mscflow.cli", command], env=env_for(root), cwd=ROOT,
                         capture_output=True, text=True, timeout=TIMEOUT)
    assert out.returncode == 0, f"{command}: {out.stderr[-3000:]}"
    return out


def digest(warehouse: Path) -> dict[str, str]:
    """sha256 of every core table and mart, rows in a stable order."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [r for (r,) in con.execute("SELECT schema_name || '.\"' || table_name || '\"' FROM duckdb_tables() "
                                             "WHERE schema_name IN ('core', 'marts') ORDER BY 1").fetchall()]
        return {t: hashlib.sha256(repr(con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()).encode()).hexdigest()
                for t in tables}


def newer(path_glob: Callable[[Path], list[Path]], since: float) -> Callable[[Path, str], bool]:
    """A point reached when a file the stage writes appears (or changes) after ``since``."""
    def reached(root: Path, stderr: str) -> bool:
        for p in path_glob(root):
            try:
                if p.stat().st_mtime > since:
                    return True
            except FileNotFoundError:
                continue
        return False
    return reached


def line(text: str) -> Callable[[Path, str], bool]:
    return lambda root, stderr: text in stderr


def data(*parts: str) -> Callable[[Path], list[Path]]:
    return lambda root: list((root / "data").joinpath(*parts[:-1]).glob(parts[-1]))


def points(since: float) -> dict[str, Callable[[Path, str], bool]]:
    return {
        "studies stored": newer(data("store", "studies", "*.parquet"), since),
        # every document stage done: the processed markers are written last (one Dagster run
        # goes on to the warehouse steps, so no progress line marks this point)
        "documents done": newer(data("store", store.PROCESSED, "*.parquet"), since),
        "build file landing": newer(data("build", "mscflow.duckdb*"), since),
        "gate passed": newer(data("quality", "gate.json"), since),
        "publishing": newer(data(".mscflow.duckdb.publish-*"), since),
        "published": newer(data("mscflow.duckdb"), since),
    }


TRIALS = [("refresh", "studies stored"), ("build", "documents done"), ("refresh", "build file landing"),
          ("build", "gate passed"), ("refresh", "publishing"), ("build", "published")]


def kill_at(root: Path, command: str, point: str) -> None:
    """Start the command and kill -9 its process group as soon as ``point`` is reached."""
    log = root / "stderr.txt"
    since = time.time() - 0.01
    reached = points(since)[point]
    with open(log, "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "mscflow.cli", command], env=env_for(root), cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    deadline = time.monotonic() + TIMEOUT
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if reached(root, log.read_text(errors="replace")):
                os.killpg(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
    finally:
        if proc.poll() is None and time.monotonic() >= deadline:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, f"{command} ended ({proc.returncode}) before '{point}': {log.read_text()[-2000:]}"


@pytest.fixture(scope="module")
def clean_roots(tmp_path_factory) -> dict[str, Path]:
    """A clean build of each version of the seeds."""
    out = {}
    for version in VERSIONS:
        out[version] = root = tmp_path_factory.mktemp(f"clean_{version}")
        write_seeds(root, version)
        cli(root, "build")
    return out


@pytest.fixture(scope="module")
def clean_builds(clean_roots) -> dict[str, dict[str, str]]:
    """The digest of a clean build of each version of the seeds."""
    out = {version: digest(root / "data" / "mscflow.duckdb") for version, root in clean_roots.items()}
    assert out["A"] != out["B"]
    return out


def test_kill_9_at_six_points_then_one_refresh_equals_a_clean_build(tmp_path, clean_roots, clean_builds):
    root = tmp_path / "project"
    shutil.copytree(clean_roots["A"], root)  # a published build of version A
    warehouse = root / "data" / "mscflow.duckdb"
    version = "A"
    for i, (command, point) in enumerate(TRIALS):
        version = "B" if version == "A" else "A"
        write_seeds(root, version)
        kill_at(root, command, point)
        assert digest(warehouse) in clean_builds.values(), f"trial {i}: the published file is torn"
        out = cli(root, "refresh")
        assert digest(warehouse) == clean_builds[version], f"trial {i} ({command} killed at '{point}'): {out.stdout}"
        leftovers = [p.name for p in warehouse.parent.iterdir() if ".publish-" in p.name or p.name.endswith(".wal")]
        assert leftovers == [], f"trial {i}: {leftovers}"


def test_a_truncated_published_file_is_rebuilt_by_a_refresh_with_no_change(tmp_path, clean_roots, clean_builds):
    root = tmp_path / "truncated"
    shutil.copytree(clean_roots["A"], root)
    warehouse = root / "data" / "mscflow.duckdb"
    with open(warehouse, "r+b") as fh:
        fh.truncate(warehouse.stat().st_size // 3)
    with pytest.raises(duckdb.Error):
        digest(warehouse)
    out = cli(root, "refresh")
    assert "published warehouse" in out.stdout
    assert digest(warehouse) == clean_builds["A"]
