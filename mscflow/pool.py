"""Where per-document work runs: in this process, on a pool of local processes, or on a Dask
cluster, behind one interface (``run_chunks``), with results in input order.

The document stages hand a batch to ``run_chunks`` as chunks of documents; each chunk is one
call of a plain library function (``clean_batch``, ``extract_batch``), so a worker needs
nothing but the package. Local processes come from a ``forkserver`` (no fork of a threaded
Dagster process); a Dask cluster is reached through ``distributed.Client.get_executor``, the
standard ``concurrent.futures`` interface, so the same code path drives both. Small batches
stay in-process: starting workers costs more than a few documents' work."""

from __future__ import annotations

import contextlib
import math
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# imported once by the forkserver, so each worker starts with the stages already loaded
PRELOAD = ["mscflow.clean.document", "mscflow.extract.document"]


@dataclass(frozen=True)
class PoolConfig:
    """How many local workers (``workers``), or which Dask scheduler (``scheduler``, e.g.
    ``tcp://10.0.0.5:8786``; empty: local processes), and the smallest batch worth a pool."""

    workers: int = 1
    scheduler: str = ""
    min_batch: int = 16
    chunk_size: int = 32

    def parallel_for(self, n_items: int) -> bool:
        return bool(self.scheduler) or (self.workers > 1 and n_items >= self.min_batch)


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i:i + size] for i in range(0, len(items), max(size, 1))]


def chunk_size_for(n_items: int, config: PoolConfig) -> int:
    """Chunks small enough to keep every worker busy to the end, large enough to amortise IPC."""
    workers = max(config.workers, 1)
    return max(1, min(config.chunk_size, math.ceil(n_items / (workers * 4))))


@contextlib.contextmanager
def executor(config: PoolConfig) -> Iterator[Executor]:
    """A ``concurrent.futures`` executor for ``config``: Dask's when a scheduler is named."""
    if config.scheduler:
        from distributed import Client

        with Client(config.scheduler, set_as_default=False) as client:
            yield client.get_executor()
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(max_workers=config.workers, mp_context=context) as pool:
        yield pool


def run_chunks(fn: Callable[[Sequence[T]], R], items: Sequence[T], config: PoolConfig | None = None) -> list[R]:
    """``[fn(chunk) for chunk in chunks of items]``, spread over the pool, in input order."""
    config = config or PoolConfig()
    if not items:
        return []
    if not config.parallel_for(len(items)):
        return [fn(items)]
    chunks = chunked(items, chunk_size_for(len(items), config))
    with executor(config) as pool:
        futures = [pool.submit(fn, chunk) for chunk in chunks]
        return [f.result() for f in futures]


def call(fn: Callable[..., R], *args: Any) -> Callable[[Sequence[T]], R]:
    """``fn(chunk, *args)`` as a picklable one-argument function (a worker imports ``fn``)."""
    import functools

    return functools.partial(_apply, fn, args)


def _apply(fn: Callable[..., R], args: tuple, chunk: Sequence[T]) -> R:
    return fn(chunk, *args)
