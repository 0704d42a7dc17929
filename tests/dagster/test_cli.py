"""The code location validates with Dagster's own tools, as a newcomer would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(args: list[str], tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_dagster_definitions_validate(tmp_path):
    out = run([str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"], tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Validation successful for code location mscflow" in out.stdout + out.stderr


def test_dg_check_defs(tmp_path):
    out = run([str(BIN / "dg"), "check", "defs"], tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "All definitions loaded successfully" in out.stdout + out.stderr


def test_cli_help_lists_commands():
    out = subprocess.run([sys.executable, "-m", "mscflow.cli", "--help"], capture_output=True, text=True, check=True)
    for command in ("build", "refresh", "sql", "eval", "bench"):
        assert command in out.stdout


def test_missing_seeds_folder_is_a_clear_error(tmp_path):
    env = {**os.environ, "MSCFLOW_SEEDS": str(tmp_path / "nope"), "MSCFLOW_WAREHOUSE": str(tmp_path / "w.duckdb"),
           "DAGSTER_HOME": str(tmp_path / "home")}
    out = subprocess.run([sys.executable, "-m", "mscflow.cli", "build"], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 2
    assert "seeds folder not found" in out.stderr and "Traceback" not in out.stderr
