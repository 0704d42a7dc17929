"""``mscflow`` command line: build, refresh, sql, eval, bench.

This module never imports Dagster: the commands that run assets import ``cli.runner`` (the
CLI's Dagster driver) when they run, so ``mscflow sql`` and ``mscflow eval`` stay fast."""

from __future__ import annotations

import argparse
import json
import sys

from ..settings import load_settings


def _print_summary(summary, settings, changes=None, as_json: bool = False) -> None:
    data = {
        "documents_processed": summary.documents_processed,
        "published": summary.published,
        "warehouse": str(settings.warehouse_path),
        "dagster_runs": summary.run_ids,
        "seconds": summary.seconds,
        "failures": summary.failures,
        "skipped": {s.name: s.reason for s in summary.skipped},
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
    elif not summary.failures:
        print(f"nothing new to publish; warehouse unchanged: {settings.warehouse_path}")


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
    from .runner import run_build

    settings = load_settings()
    summary = run_build(settings, progress=_progress)
    _print_summary(summary, settings, as_json=args.json)
    return 1 if summary.failures else 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from .runner import run_refresh

    settings = load_settings()
    changes, summary = run_refresh(settings, progress=_progress)
    _print_summary(summary, settings, changes, as_json=args.json)
    return 1 if summary.failures else 0


def cmd_sql(args: argparse.Namespace) -> int:
    from ..warehouse.query import run_query

    settings = load_settings()
    if not settings.warehouse_path.exists():
        print(f"no published warehouse at {settings.warehouse_path}; run `make run` first", file=sys.stderr)
        return 2
    import duckdb

    try:
        print(run_query(settings.warehouse_path, args.query, args.format))
    except duckdb.Error as exc:  # a typo or a refused statement: one line, DuckDB's own words
        print(f"mscflow sql: {str(exc).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from ..eval.bench import run_bench

    print(json.dumps(run_bench(load_settings(), repeat=args.repeat), indent=2))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..eval import evaluate_folder

    studies, regs = evaluate_folder(Path(args.docs), Path(args.gold))
    if args.json:
        data = {**studies.as_metadata(), "missed": [g["anchor"] for g in studies.missed],
                "invented": [r.get("label") for r in studies.unmatched]}
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
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mscflow", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="materialize every asset from seeds/ and publish the warehouse")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(fn=cmd_build)
    p = sub.add_parser("refresh", help="process only new, changed or removed seed files, then publish")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(fn=cmd_refresh)
    p = sub.add_parser("sql", help="read-only query of the published warehouse")
    p.add_argument("query")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(fn=cmd_sql)
    p = sub.add_parser("eval", help="score a folder of articles against hand-made gold (the assets' own path)")
    p.add_argument("docs", help="folder of article files, as a user would save them (any encoding)")
    p.add_argument("gold", help="folder with studies.jsonl (and optionally registrations.jsonl), format of assets/gold/SCHEMA.md")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(fn=cmd_eval)
    p = sub.add_parser("bench", help="time and measure memory of the cleaning and extraction stages")
    p.add_argument("--repeat", type=int, default=3)
    p.set_defaults(fn=cmd_bench)
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


if __name__ == "__main__":
    sys.exit(main())
