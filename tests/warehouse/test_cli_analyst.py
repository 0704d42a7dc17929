"""What an analyst meets at the command line: help everywhere, a version, readable tables, one
line for a bad query, exports in every format, a read-only shell."""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from mscflow.cli.main import _parser
from mscflow.settings import PROJECT_ROOT, Settings
from mscflow.warehouse.build import build
from mscflow.warehouse.export import FORMATS, export_tables
from mscflow.warehouse.publish import publish
from mscflow.warehouse.query import NULL, format_table, run_query


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MSCFLOW_WAREHOUSE": str(settings.warehouse_path), "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run([sys.executable, "-m", "mscflow.cli", *args], env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def published(wh_settings: Settings) -> Settings:
    publish(build(wh_settings).path, wh_settings.warehouse_path)
    return wh_settings


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_and_option_has_help_text():
    parser = _parser()
    assert "`" not in parser.description and "``" not in parser.format_help()
    commands = _subparsers(parser)
    assert set(commands) >= {"build", "refresh", "sql", "export", "shell", "eval", "bench"}
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert all(choice.help for choice in action._choices_actions)
    for name, sub in commands.items():
        assert sub.description, name
        for a in sub._actions:
            assert a.help and a.help != argparse.SUPPRESS, f"mscflow {name} {a.dest}: no help text"


def test_version():
    out = subprocess.run([sys.executable, "-m", "mscflow.cli", "--version"], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, check=True)
    assert out.stdout.startswith("mscflow ") and out.stdout.split()[1][0].isdigit()


def test_table_output_is_aligned_with_one_spelling_of_null():
    text = format_table(["disease", "n", "median"], [("sle", 3, None), ("膝骨关节炎", None, 6.1), ("x", 12, float("nan"))])
    lines = text.splitlines()
    assert format_table(["n"], [(3,), (12,)]).splitlines() == [" n", "--", " 3", "12"]  # numbers right-aligned
    assert all(line.endswith(("NULL", "6.1")) for line in lines[2:])
    assert text.count(NULL) == 3 and "NaN" not in text and "<NA>" not in text and "None" not in text
    widths = {len(line.encode("gbk", "replace")) for line in lines[:2]}  # CJK counted as two columns
    assert len(widths) == 1


def test_sql_tables_nulls_and_no_rows(published: Settings):
    out = run_query(published.warehouse_path, "SELECT disease, n_patients, n_patients_treated, "
                    "median_follow_up_months FROM marts.evidence_by_disease")
    assert "knee_osteoarthritis" in out and "Empty DataFrame" not in out
    empty = run_query(published.warehouse_path, "SELECT label FROM core.studies WHERE false")
    assert empty.splitlines() == ["label", "-----", "(no rows)"]
    nulls = run_query(published.warehouse_path, "SELECT phase, n_total FROM core.studies ORDER BY study_id")
    assert NULL in nulls and "<NA>" not in nulls and "NaN" not in nulls and "None" not in nulls


def test_a_typo_is_one_line_and_exit_1(published: Settings):
    out = _cli(published, "sql", "SELEC * FROM core.studies")
    assert out.returncode == 1 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and out.stderr.startswith("mscflow sql: ")
    hint = _cli(published, "sql", "SELECT * FROM marts.evidence_by_diseas")
    assert hint.returncode == 1 and len(hint.stderr.strip().splitlines()) == 1
    assert "Did you mean" in hint.stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_writes_every_table_in_each_format(published: Settings, tmp_path: Path, fmt: str):
    out = _cli(published, "export", "--format", fmt, str(tmp_path / fmt))
    assert out.returncode == 0, out.stderr[-2000:]
    with duckdb.connect(str(published.warehouse_path), read_only=True) as con:
        tables = {f"{s}.{t}": n for s, t, n in con.execute(
            "SELECT schema_name, table_name, estimated_size FROM duckdb_tables()").fetchall()}
        counts = {r: con.execute(f'SELECT count(*) FROM {".".join(chr(34) + p + chr(34) for p in r.split("."))}').fetchone()[0]
                  for r in tables}
    files = {p.name.removesuffix(f".{fmt}"): p for p in (tmp_path / fmt).iterdir()}
    assert set(files) == set(tables)
    assert {"dictionary.columns", "dictionary.codes", "dictionary.tables", "core.studies", "marts.human_studies"} <= set(files)
    for relation, path in files.items():
        if fmt == "parquet":
            frame = pd.read_parquet(path)
        elif fmt == "csv":
            with open(path, encoding="utf-8", newline="") as fh:
                frame = pd.DataFrame(list(csv.DictReader(fh)))
        else:
            frame = pd.read_excel(path, sheet_name=0)
        assert len(frame) == counts[relation], relation
    if fmt == "xlsx":
        about = pd.read_excel(files["core.studies"], sheet_name="about")
        assert "clinical study" in about.meaning[0]
    if fmt == "csv":
        regs = pd.read_csv(files["core.registrations"])
        assert regs.intervention_list.str.contains("; ").any()  # lists as a; b


def test_export_refuses_a_missing_warehouse(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        export_tables(tmp_path / "none.duckdb", tmp_path / "out", "csv")


def test_shell_opens_the_published_file_read_only(published: Settings):
    out = _cli(published, "shell", "--print-command")
    assert out.returncode == 0, out.stderr
    command = out.stdout.split()
    assert str(published.warehouse_path) in command
    assert "--read-only" in command or "-readonly" in command


def test_a_build_that_stops_before_publish_says_not_published(tmp_path: Path, capsys):
    from mscflow.cli.main import _print_summary
    from mscflow.cli.summary import RunSummary

    settings = Settings(seeds_dir=tmp_path / "s", warehouse_path=tmp_path / "w" / "mscflow.duckdb")
    gate = RunSummary(failures=["warehouse_quality_gate: quality gate FAILED: 1 of 90 checks",
                                "check quality_gate on core/studies failed"])
    _print_summary(gate, settings)
    err = capsys.readouterr().err
    assert "not published: the quality gate failed (1 check(s)); see " in err
    assert str(settings.quality_dir / "index.html") in err and "unchanged" in err
    step = RunSummary(failures=["document run 1234 failed"])
    _print_summary(step, settings)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("not published: ")]
    assert lines == ["not published: document run 1234 failed"]
