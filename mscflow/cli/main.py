"""``mscflow`` command line: build, refresh, sql, export, shell, eval, bench.

This module never imports Dagster: the commands that run assets import ``cli.runner`` (the
CLI's Dagster driver) when they run, so ``mscflow sql`` and ``mscflow eval`` stay fast."""

from __future__ import annotations

import argparse
import json
import sys

from .. import __version__
from ..settings import load_settings

DESCRIPTION = (
    "mscflow turns Chinese web articles about mesenchymal stem cell therapy into a DuckDB\n"
    "evidence warehouse (data/mscflow.duckdb) and an evidence report: build it, query it, export it."
)
EPILOG = (
    "examples:\n"
    "  mscflow build                                     # everything from seeds/, then publish\n"
    "  mscflow sql \"SELECT * FROM marts.evidence_by_disease\"\n"
    "  mscflow export --format xlsx exports/             # one file per table\n"
    "  mscflow shell                                     # interactive SQL, read-only\n"
    "settings are environment variables (MSCFLOW_SEEDS, MSCFLOW_WAREHOUSE, ...): docs/operations.md"
)


def _print_summary(summary, settings, changes=None, as_json: bool = False) -> None:
    data = {
        "documents_processed": summary.documents_processed,
        "published": summary.published,
        "warehouse": str(settings.warehouse_path),
        "dagster_runs": summary.run_ids,
        "seconds": summary.seconds,
        "steps": summary.steps,
        "failures": summary.failures,
        "skipped": {s.name: s.reason for s in summary.skipped},
        "report": str(settings.report_path) if summary.published and settings.report_path.exists() else None,
        "not_published": None if summary.published or not summary.failures
        else _why_not_published(summary.failures, settings),
    }
    if changes is not None:
        data = {**changes.as_dict(), **data}
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if changes is not None:
        for key in ("added", "changed", "removed", "renamed", "unchanged"):
            print(f"{key:>10}: {len(data[key])} {data[key] if key != 'unchanged' else ''}")
    print(f"processed {len(summary.documents_processed)} document(s) in {summary.seconds}s; "
          f"{len(summary.run_ids)} Dagster run(s)")
    for line in summary.failures:
        print(f"FAILED: {line}", file=sys.stderr)
    for s in summary.skipped:
        print(f"skipped: {s.name} ({s.reason.replace('_', ' ')})", file=sys.stderr)
    if summary.published:
        print(f"published warehouse: {settings.warehouse_path}")
        _print_counts(settings.warehouse_path)
        if settings.report_path.exists():
            print(f"evidence report: {settings.report_path}")
    elif summary.failures:
        print(f"not published: {_why_not_published(summary.failures, settings)}", file=sys.stderr)
        print(f"the published warehouse is unchanged: {settings.warehouse_path}", file=sys.stderr)
    else:
        print(f"nothing new to publish; warehouse unchanged: {settings.warehouse_path}")


def _why_not_published(failures: list[str], settings) -> str:
    """One line: the stage that stopped the build and where to read more."""
    checks = [f for f in failures if f.startswith("check ")]
    if checks or any("quality gate" in f for f in failures):
        return (f"the quality gate failed ({len(checks) or 1} check(s)); "
                f"see {settings.quality_dir / 'index.html'}")
    first = failures[0].splitlines()[0]
    return first if len(first) <= 200 else first[:199] + "…"


def _print_counts(path) -> None:
    from ..warehouse.build import published_counts

    try:
        counts = published_counts(path)
    except Exception as exc:  # the summary must never hide the build result
        print(f"  (could not read table counts: {exc})")
        return
    for name, n in counts.items():
        print(f"  {name:<34} {n:>6} rows")


def _progress(line: str) -> None:
    """Progress lines go to stderr, so ``--json`` output on stdout stays parseable."""
    print(line, file=sys.stderr, flush=True)


def cmd_build(args: argparse.Namespace) -> int:
    from .progress import stages
    from .runner import run_build

    settings = load_settings()
    with stages("build") as progress:
        summary = run_build(settings, progress=progress)
    _print_summary(summary, settings, as_json=args.json)
    return 1 if summary.failures else 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from .progress import stages
    from .refresh import run_refresh

    settings = load_settings()
    with stages("refresh") as progress:
        changes, summary = run_refresh(settings, progress=progress)
    _print_summary(summary, settings, changes, as_json=args.json)
    return 1 if summary.failures else 0


def _published_or_say(settings) -> bool:
    if settings.warehouse_path.exists():
        return True
    print(f"mscflow: no published warehouse at {settings.warehouse_path}; run `mscflow build` first", file=sys.stderr)
    return False


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..warehouse.export import export_tables
    from .progress import counted

    settings = load_settings()
    if not _published_or_say(settings):
        return 2
    import duckdb

    from ..warehouse.export import exported_tables

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        total = len(exported_tables(con))
    with counted(f"export {args.format}", total) as step:
        files = export_tables(settings.warehouse_path, Path(args.dir), args.format, progress=step)
    print(f"wrote {len(files)} {args.format} file(s) to {Path(args.dir).resolve()}")
    for f in files:
        print(f"  {f.name}")
    return 0


def cmd_shell(args: argparse.Namespace) -> int:
    import os

    from .shell import shell_command

    settings = load_settings()
    if not _published_or_say(settings):
        return 2
    command = shell_command(settings.warehouse_path, prefer=args.client)
    if command is None:
        print("mscflow: no interactive SQL client found (harlequin or the duckdb CLI); "
              "`pip install harlequin` or use `mscflow sql`", file=sys.stderr)
        return 2
    if args.print_command:
        print(" ".join(command))
        return 0
    os.execvp(command[0], command)  # the client takes over the terminal
    return 0  # not reached


def cmd_sql(args: argparse.Namespace) -> int:
    from ..warehouse.query import run_query

    settings = load_settings()
    if not _published_or_say(settings):
        return 2
    import duckdb

    try:
        print(run_query(settings.warehouse_path, args.query, args.format))
    except duckdb.Error as exc:  # a typo or a refused statement: one line, DuckDB's own words
        print(f"mscflow sql: {_one_line(exc)}", file=sys.stderr)
        return 1
    return 0


def _one_line(exc: Exception) -> str:
    """DuckDB's message and its hint ("Did you mean ...?"), on one line."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    hints = [line for line in lines[1:] if line.startswith(("Did you mean", "HINT", "Candidate"))]
    return " ".join(lines[:1] + hints[:1])


def cmd_bench(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..eval.bench import markdown, run_bench

    result = run_bench(load_settings(), docs=args.docs, repeat=args.repeat, build=args.build, refresh=args.refresh)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown(result) if args.markdown else json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..eval import evaluate

    ev = evaluate(Path(args.docs), Path(args.gold))
    studies, regs = ev.studies, ev.registrations
    if args.json:
        data = {**studies.as_metadata(), "missed": [g["anchor"] for g in studies.missed],
                "invented": [r.get("label") for r in studies.unmatched]}
        for table, rs in ev.results.items():
            data[table] = {"precision": round(rs.score.precision, 4), "recall": round(rs.score.recall, 4),
                           "f1": round(rs.score.f1, 4)}
        if regs is not None:
            data["registrations"] = {"gold": regs.gold, "found": regs.found, "extra": regs.extra, **regs.fields_right}
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(studies.format_report())
    for g in studies.missed:
        print(f"missed:   {g['doc']}: {g['anchor']}")
    for r in studies.unmatched:
        print(f"invented: {r.get('doc')}: {(r.get('label') or '')[:40]} | {(r.get('evidence_text') or '')[:60]}")
    if regs is not None:
        print(regs.format_report())
    for rs in ev.results.values():
        print(rs.format_report())
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mscflow", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"mscflow {__version__}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                title="commands", description="run `mscflow COMMAND --help` for a command's options")
    json_help = "print the summary as JSON on stdout (progress stays on stderr)"

    p = sub.add_parser("build", help="materialize every asset from seeds/, run the quality gate, publish",
                       description="Process every seed file, build the warehouse, run the quality gate and "
                       "publish data/mscflow.duckdb and the evidence report. Prints what it did.")
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(fn=cmd_build)

    p = sub.add_parser("refresh", help="process only new, changed or removed seed files, then publish",
                       description="What the seed sensor does, on demand: only new, changed, removed or "
                       "renamed seed files are processed; then the warehouse is rebuilt and published.")
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(fn=cmd_refresh)

    p = sub.add_parser("sql", help="run one read-only SQL query on the published warehouse",
                       description="Run one SQL query on the published warehouse, opened read-only and "
                       "sandboxed (no file access, no settings changes). A bad query prints one line and exits 1.")
    p.add_argument("query", help='the SQL, quoted, e.g. "SELECT * FROM marts.evidence_by_disease"')
    p.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help="table (aligned, NULL for missing values; the default), csv or json")
    p.set_defaults(fn=cmd_sql)

    p = sub.add_parser("export", help="write every core table, mart and the dictionary as files",
                       description="Write one file per core table, mart and dictionary table of the "
                       "published warehouse into DIR, named <schema>.<table>.<format>.")
    p.add_argument("--format", choices=["parquet", "csv", "xlsx"], default="parquet",
                   help="parquet (types kept; the default), csv (UTF-8, header) or xlsx (Excel)")
    p.add_argument("dir", metavar="DIR", help="folder to write into (created when missing)")
    p.set_defaults(fn=cmd_export)

    p = sub.add_parser("shell", help="open the published warehouse in an interactive SQL client, read-only",
                       description="Open the published warehouse read-only in harlequin (a terminal SQL "
                       "IDE), or in the DuckDB CLI when harlequin is not installed.")
    p.add_argument("--client", choices=["harlequin", "duckdb"], default=None,
                   help="which client to open (default: harlequin when installed, else the duckdb CLI)")
    p.add_argument("--print-command", action="store_true",
                   help="print the command that would be run instead of running it")
    p.set_defaults(fn=cmd_shell)

    p = sub.add_parser("eval", help="score a folder of articles against hand-made gold (the assets' own path)",
                       description="Extract a folder of articles the way the assets do and score the result "
                       "against gold records (assets/gold/SCHEMA.md): precision, recall and F1 per field.")
    p.add_argument("docs", help="folder of article files, as a user would save them (any encoding)")
    p.add_argument("gold", help="folder with studies.jsonl (and optionally registrations.jsonl), format of assets/gold/SCHEMA.md")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(fn=cmd_eval)

    p = sub.add_parser("bench", help="time every stage (and whole builds and refreshes) on the seeds or N documents",
                       description="Time reading, cleaning and extraction beside bare read + decode + t2s, on the "
                       "seeds or on a deterministic corpus of N distinct articles; optionally whole `mscflow build` "
                       "and `mscflow refresh` processes (wall, peak RSS of the process tree) in a temporary folder.")
    p.add_argument("--docs", type=int, default=0, help="make a corpus of N distinct articles from the seeds (default: the seeds)")
    p.add_argument("--repeat", type=int, default=3, help="runs per library stage; the median is reported (default 3)")
    p.add_argument("--build", action="store_true", help="also time a whole `mscflow build` of the corpus")
    p.add_argument("--refresh", action="store_true",
                   help="also time the build and refreshes after no change, 1 changed, 1 deleted, 10 added")
    p.add_argument("--out", metavar="FILE", help="write the result as JSON to FILE")
    p.add_argument("--markdown", action="store_true", help="print the docs/benchmarks.md table instead of JSON")
    p.set_defaults(fn=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from ..warehouse.guards import WarehouseRefused

    try:
        return int(args.fn(args))
    except FileNotFoundError as exc:  # a missing seeds folder or warehouse: say so, no traceback
        print(f"mscflow: {exc}", file=sys.stderr)
        return 2
    except WarehouseRefused as exc:  # a bad warehouse path, a lock held, a read-write holder
        print(f"mscflow: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # no space left, permission denied: the cause in one line
        print(f"mscflow: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the last resort: the cause in one line, the trace in a file
        print(f"mscflow: {args.command} failed: {_one_line_cause(exc)} (traceback in {_save_trace()})", file=sys.stderr)
        return 1


def _one_line_cause(exc: BaseException) -> str:
    """The innermost cause's type and first line (a Dagster error wraps the real one)."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:300]


def _save_trace() -> str:
    """Write the current traceback beside the warehouse (or in the temp folder) and say where."""
    import tempfile
    import traceback
    from pathlib import Path

    text = traceback.format_exc()
    for folder in (load_settings().data_dir, Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "mscflow-last-error.txt"
            path.write_text(text, encoding="utf-8")
            return str(path)
        except OSError:
            continue
    return "not saved: no writable folder"


if __name__ == "__main__":
    sys.exit(main())
