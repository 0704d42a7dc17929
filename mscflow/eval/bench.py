"""``mscflow bench``: throughput and peak memory of every stage, at any corpus size.

The library stages are timed as the assets run them (``mscflow.eval.corpus``: read, clean and
extract through the same pool), beside a yardstick measured in the same run: bare read +
decode + OpenCC t2s of the same files. ``--docs N`` makes a deterministic corpus of N distinct
articles (``mscflow.eval.synthetic``); ``--build`` and ``--refresh`` time whole ``mscflow
build`` / ``mscflow refresh`` processes on it (wall and peak RSS of the process tree) in a
throw-away project folder. Speed targets live here and in docs/benchmarks.md, not in timed
unit tests that flake on a busy machine."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..clean.document import clean_batch
from ..clean.stored import clean_in_store
from ..extract.document import extract_batch
from ..extract.stored import extract_in_store
from ..ingest import decode_bytes, list_seed_files
from ..settings import Settings, child_environment, cores, load_settings
from .corpus import read_files
from .synthetic import article, load_seeds, write_corpus


@dataclass
class Stage:
    """One measured stage: seconds (median of the repeats) over ``docs`` files of ``raw_bytes``."""

    name: str
    seconds: float
    docs: int
    raw_bytes: int
    workers: int = 1
    peak_rss_mb: float | None = None
    extra: dict = field(default_factory=dict)

    def as_dict(self, yardstick: float | None = None) -> dict:
        out = {"stage": self.name, "seconds": round(self.seconds, 3), "docs": self.docs,
               "docs_per_s": round(self.docs / self.seconds, 1) if self.seconds else None,
               "mb_per_s": round(self.raw_bytes / 1e6 / self.seconds, 3) if self.seconds else None,
               "workers": self.workers, **self.extra}
        if self.workers > 1 and self.seconds:
            out["mb_per_s_per_worker"] = round(self.raw_bytes / 1e6 / self.seconds / self.workers, 3)
        if yardstick and self.seconds:
            out["x_read_t2s"] = round(self.seconds / yardstick, 1)
        if self.peak_rss_mb is not None:
            out["peak_rss_mb"] = round(self.peak_rss_mb, 1)
        return out


def _median_seconds(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(max(repeat, 1)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def read_t2s(paths: list[Path], opencc_config: str) -> int:
    """The yardstick: read, decode and convert every file, nothing else (characters out)."""
    import opencc

    converter = opencc.OpenCC(opencc_config)
    return sum(len(converter.convert(decode_bytes(p.read_bytes())[0])) for p in paths)


def library_stages(paths: list[Path], settings: Settings, repeat: int) -> list[Stage]:
    """Read, clean and extract the files as the document assets do, and the yardstick."""
    from ..parse.vocab import load_vocab

    size = sum(p.stat().st_size for p in paths)
    n = len(paths)
    load_vocab.cache_clear()  # a cold pass: the vocabularies compile their matchers inside the timing
    raw = read_files(paths, settings)
    records = {k: r.record() for k, r in raw.items()}
    clean = clean_batch(records, settings.opencc_config)
    docs = {k: (f.iloc[0].to_dict() if len(f) else None) for k, f in clean.documents.items()}
    return [
        Stage("read + decode + t2s (yardstick)", _median_seconds(lambda: read_t2s(paths, settings.opencc_config), repeat), n, size),
        Stage("read (ingest)", _median_seconds(lambda: read_files(paths, settings), repeat), n, size),
        Stage("clean (validated once)", _median_seconds(lambda: clean_batch(records, settings.opencc_config), repeat), n, size),
        Stage("extract (validated once per table)", _median_seconds(lambda: extract_batch(docs), repeat), n, size),
        Stage(f"clean + extract on the pool ({settings.pool().workers} workers, store to store)",
              statistics.median(_pooled(records, settings) for _ in range(max(repeat, 1))), n, size,
              workers=settings.pool().workers),
    ]


def _pooled(records: dict, settings: Settings) -> float:
    """Clean then extract on the pool from store to store, exactly as the two document steps
    do, over raw documents stored as the ingest step leaves them (stored before the clock
    starts: the ingest step's writing is not a library stage)."""
    from ..contracts import contract
    from ..contracts.frames import frame_for
    from ..store import store_frames

    batch = frame_for(contract("raw_documents"), list(records.values())).frame
    with tempfile.TemporaryDirectory(prefix="mscflow-bench-store-") as tmp:
        raw = store_frames(Path(tmp), "raw_documents", {k: batch.iloc[[i]].reset_index(drop=True)
                                                        for i, k in enumerate(records)})
        t0 = time.perf_counter()
        clean = clean_in_store(raw, settings.opencc_config, settings.pool())
        extract_in_store(clean.documents, clean.quarantine, settings.pool())
        return time.perf_counter() - t0


class TreeUsage:
    """Peak resident memory and CPU seconds of a process and all its descendants, sampled from
    /proc every ``interval`` seconds. The CPU is each process's last sampled user + system time,
    summed: ``RUSAGE_CHILDREN`` misses a pool's workers, whose parent (a forkserver) is not
    waited for, and a process's last ``interval`` of work is all a sample can miss."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._ticks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> TreeUsage:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_seconds(self) -> float:
        return sum(self._ticks.values()) / os.sysconf("SC_CLK_TCK")

    def _watch(self) -> None:
        while not self._stop.is_set():
            processes = _processes()
            tree = _tree(self.pid, processes)
            self.peak = max(self.peak, _rss(tree))
            for pid in tree:
                self._ticks[pid] = max(self._ticks.get(pid, 0), processes[pid][1])
            self._stop.wait(self.interval)


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, user + system clock ticks) of every process."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            out[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
        except (OSError, IndexError, ValueError):
            continue
    return out


def _tree(root: int, processes: dict[int, tuple[int, int]]) -> set[int]:
    tree, grew = {root} & processes.keys(), True
    while grew:
        more = {p for p, (pp, _) in processes.items() if pp in tree} - tree
        grew, tree = bool(more), tree | more
    return tree


def _rss(tree: set[int]) -> int:
    total = 0
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * 4096
        except (OSError, IndexError, ValueError):
            continue
    return total


def tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and its descendants now (0 where /proc is not there)."""
    return _rss(_tree(root, _processes()))


def run_command(args: list[str], env: dict[str, str]) -> tuple[float, float, float, dict]:
    """Wall seconds, CPU seconds (user + system of the whole tree, ``TreeUsage``) and peak RSS (MB)
    of a whole CLI process tree, and its ``--json`` summary. CPU time is the figure a busy machine
    moves least: on shared cores the wall clock measures the neighbours too."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeUsage(proc.pid) as usage:
        out, err = proc.communicate()
    wall, cpu = time.perf_counter() - t0, usage.cpu_seconds
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}): {err[-1500:]}")
    return wall, cpu, usage.peak / 1e6, json.loads(out)


@dataclass
class Project:
    """A throw-away project folder: its seeds, warehouse and Dagster instance."""

    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    def env(self) -> dict[str, str]:
        return child_environment(MSCFLOW_SEEDS=str(self.seeds), MSCFLOW_WAREHOUSE=str(self.root / "data" / "mscflow.duckdb"),
                                 DAGSTER_HOME=str(self.root / "dagster"))

    def run(self, command: str, docs: int, size: int) -> Stage:
        wall, cpu, peak, summary = run_command([sys.executable, "-m", "mscflow.cli", command, "--json"], self.env())
        extra = {"cpu_seconds": round(cpu, 2), "published": summary.get("published"),
                 "processed": len(summary.get("documents_processed", [])), "steps": summary.get("steps", {})}
        return Stage(f"mscflow {command}", wall, docs, size, peak_rss_mb=peak, extra=extra)


def refresh_stages(project: Project, seed_dir: Path, n: int) -> list[Stage]:
    """Refresh after no change, 1 changed, 1 deleted and 10 added documents (in that order)."""
    files = sorted(project.seeds.iterdir())
    size = sum(p.stat().st_size for p in files)
    out = [project.run("refresh", 0, 0)]
    out[-1].name = "refresh, no change"
    with files[len(files) // 2].open("a", encoding="utf-8") as f:
        f.write("补充说明:本文更新于今日。\n")
    out.append(project.run("refresh", 1, size // n))
    out[-1].name = "refresh, 1 changed"
    files[len(files) // 3].unlink()
    out.append(project.run("refresh", 0, 0))
    out[-1].name = "refresh, 1 deleted"
    seeds = load_seeds(seed_dir)
    for i in range(n, n + 10):
        name, text, _ = article(i, seeds)
        (project.seeds / name).write_text(text, encoding="utf-8")
    out.append(project.run("refresh", 10, 10 * size // n))
    out[-1].name = "refresh, 10 added"
    return out


def run_bench(settings: Settings | None = None, docs: int = 0, repeat: int = 3, build: bool = False,
              refresh: bool = False, workdir: Path | None = None) -> dict[str, object]:
    """The bench: library stages on the seeds (``docs`` = 0) or on a corpus of ``docs``
    articles, then optionally whole-process builds and refreshes of that corpus."""
    settings = settings or load_settings()
    own = workdir is None
    root = Path(tempfile.mkdtemp(prefix="mscflow-bench-")) if own else workdir
    try:
        project = Project(root)
        if docs:
            paths = write_corpus(settings.seeds_dir, project.seeds, docs)
        else:
            project.seeds.mkdir(parents=True, exist_ok=True)
            paths = [Path(shutil.copy(p, project.seeds)) for p in list_seed_files(settings.seeds_dir)]
        size = sum(p.stat().st_size for p in paths)
        stages = library_stages(paths, settings, repeat)
        if build or refresh:
            stages.append(project.run("build", len(paths), size))
        if refresh:
            stages.extend(refresh_stages(project, settings.seeds_dir, len(paths)))
        yardstick = stages[0].seconds
        return {
            "documents": len(paths), "raw_mb": round(size / 1e6, 2), "repeat": repeat,
            "stages": [s.as_dict(yardstick) for s in stages],
            "python": platform.python_version(), "machine": platform.machine(), "cores": cores(),
        }
    finally:
        if own:
            shutil.rmtree(root, ignore_errors=True)


def table_hashes(path: Path) -> dict[str, tuple[int, str]]:
    """(rows, md5 of the sorted rows as text) of every core table and mart of a warehouse file:
    equal hashes mean equal content, whatever order the rows were written in."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        relations = con.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                                "WHERE schema_name IN ('core', 'marts') ORDER BY 1, 2").fetchall()
        return {f"{s}.{t}": tuple(con.execute(
            f'SELECT count(*), md5(coalesce(string_agg(CAST(x AS VARCHAR), chr(10) ORDER BY CAST(x AS VARCHAR)), \'\')) '
            f'FROM "{s}"."{t}" x').fetchone()) for s, t in relations}


def markdown(result: dict) -> str:
    """The table of docs/benchmarks.md for one bench result."""
    head = ("| stage | docs | wall s | CPU s | docs/s | MB/s | × read+t2s | peak RSS MB |\n"
            "|---|---|---|---|---|---|---|---|\n")
    rows = [f"| {s['stage']} | {s['docs']} | {s['seconds']} | {s.get('cpu_seconds', '')} | {s['docs_per_s'] or ''} | "
            f"{s['mb_per_s'] or ''} | {s.get('x_read_t2s', '')} | {s.get('peak_rss_mb', '')} |" for s in result["stages"]]
    return (f"{result['documents']} documents, {result['raw_mb']} MB, {result['cores']} cores, "
            f"median of {result['repeat']} (library stages)\n\n" + head + "\n".join(rows) + "\n")
