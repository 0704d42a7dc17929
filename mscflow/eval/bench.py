"""``mscflow bench``: throughput and peak memory of the document stages on the seeds.

The stages are timed as the assets run them (``mscflow.eval.corpus``): read, clean batch
(validated once), extract batch (validated once per table). Speed targets live here, not in
timed unit tests that flake on a busy machine."""

from __future__ import annotations

import platform
import statistics
import time
import tracemalloc
from pathlib import Path

from ..clean.document import clean_batch
from ..extract.document import extract_batch
from ..ingest import list_seed_files
from ..settings import Settings
from .corpus import read_files


def _pass(paths: list[Path], settings: Settings) -> tuple[float, float, float, int]:
    """One cold pass: seconds to read, clean and extract, and the number of records extracted.

    Vocabularies are reloaded so their per-text memo cannot make repeats look faster."""
    from ..parse.vocab import load_vocab

    load_vocab.cache_clear()
    t0 = time.perf_counter()
    raw = read_files(paths, settings)
    t1 = time.perf_counter()
    clean = clean_batch({k: r.record() for k, r in raw.items()}, settings.opencc_config)
    t2 = time.perf_counter()
    docs = {k: (f.iloc[0].to_dict() if len(f) else None) for k, f in clean.documents.items()}
    extraction = extract_batch(docs)
    t3 = time.perf_counter()
    n = sum(len(f) for frames in extraction.frames.values() for f in frames.values())
    return t1 - t0, t2 - t1, t3 - t2, n


def run_bench(settings: Settings, repeat: int = 3) -> dict[str, object]:
    paths: list[Path] = list_seed_files(settings.seeds_dir)
    raw_bytes = sum(p.stat().st_size for p in paths)
    timings: dict[str, list[float]] = {"ingest": [], "clean": [], "extract": []}
    for _ in range(max(repeat, 1)):
        read, clean, extract, _ = _pass(paths, settings)
        timings["ingest"].append(read)
        timings["clean"].append(clean)
        timings["extract"].append(extract)
    # memory on a separate pass: tracemalloc slows Python code down several times
    tracemalloc.start()
    *_, n_records = _pass(paths, settings)
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
