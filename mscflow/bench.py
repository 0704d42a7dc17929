"""``mscflow bench``: throughput and peak memory of the per-document stages on the seeds.

Speed targets live here, not in timed unit tests that flake on a busy machine."""

from __future__ import annotations

import platform
import statistics
import time
import tracemalloc
from pathlib import Path

from .documents import clean_frames, raw_frame, read_seed
from .ingest import list_seed_files
from .settings import Settings


def _extract_all(doc: dict) -> int:
    """The asset code path: tables, studies (with raw spans), registrations, references."""
    from .extraction import references_for, registrations_for, studies_for, table_rows_for

    return sum(len(fn(doc)) for fn in (table_rows_for, studies_for, registrations_for, references_for))


def _pass(paths: list[Path], settings: Settings) -> tuple[float, float, tuple[float, int]]:
    """One cold pass over the seeds: seconds for ingest, clean, and (seconds, records) for extract.

    Vocabularies are reloaded so their per-text memo cannot make repeats look faster."""
    from .vocab import load_vocab

    load_vocab.cache_clear()
    t0 = time.perf_counter()
    raws = [raw_frame(read_seed(p, settings.seeds_dir, settings.max_file_bytes)).iloc[0].to_dict() for p in paths]
    t1 = time.perf_counter()
    docs = [clean_frames(r, settings.opencc_config)[0] for r in raws]
    t2 = time.perf_counter()
    n = sum(_extract_all(d.iloc[0].to_dict()) for d in docs if len(d))
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, (t3 - t2, n)


def run_bench(settings: Settings, repeat: int = 3) -> dict[str, object]:
    paths: list[Path] = list_seed_files(settings.seeds_dir)
    raw_bytes = sum(p.stat().st_size for p in paths)
    timings: dict[str, list[float]] = {"ingest": [], "clean": [], "extract": []}
    for _ in range(max(repeat, 1)):
        raws, docs, records = _pass(paths, settings)
        timings["ingest"].append(raws)
        timings["clean"].append(docs)
        timings["extract"].append(records[0])
    # memory on a separate pass: tracemalloc slows Python code down several times
    tracemalloc.start()
    _, _, (_, n_records) = _pass(paths, settings)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    med = {k: statistics.median(v) for k, v in timings.items()}
    return {
        "documents": len(paths),
        "raw_bytes": raw_bytes,
        "records_extracted": n_records,
        "repeat": repeat,
        "median_seconds": {k: round(v, 4) for k, v in med.items()},
        "clean_mb_per_s": round(raw_bytes / 1e6 / med["clean"], 3) if med["clean"] else None,
        "peak_python_memory_mb": round(peak / 1e6, 2),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
