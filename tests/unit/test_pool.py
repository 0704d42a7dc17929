"""The pool interface: results in input order whether a batch runs in-process or on processes,
and the bench's corpus: deterministic and distinct."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from mscflow.pool import PoolConfig, call, chunk_size_for, run_chunks

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _square_pids(chunk, offset):
    return [(x * x + offset, os.getpid()) for x in chunk]


def test_a_small_batch_stays_in_process_and_a_large_one_uses_the_workers_in_order():
    small = run_chunks(call(_square_pids, 1), list(range(5)), PoolConfig(workers=2))
    assert [v for part in small for v, _ in part] == [x * x + 1 for x in range(5)]
    assert {pid for part in small for _, pid in part} == {os.getpid()}
    big = run_chunks(call(_square_pids, 0), list(range(64)), PoolConfig(workers=2, chunk_size=4))
    assert [v for part in big for v, _ in part] == [x * x for x in range(64)]
    assert os.getpid() not in {pid for part in big for _, pid in part}


def test_chunks_keep_every_worker_busy():
    assert chunk_size_for(1000, PoolConfig(workers=2, chunk_size=32)) == 32
    assert chunk_size_for(40, PoolConfig(workers=2, chunk_size=32)) == 5


def test_the_bench_corpus_is_deterministic_and_distinct(tmp_path):
    from mscflow.eval.synthetic import write_corpus

    first = write_corpus(SEEDS, tmp_path / "a", 12)
    again = write_corpus(SEEDS, tmp_path / "b", 12)
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in first]
    assert digests == [hashlib.sha256(p.read_bytes()).hexdigest() for p in again]
    assert len(set(digests)) == 12
    assert 10_000 < sum(p.stat().st_size for p in first) / 12 < 40_000  # the seeds' size of article


def test_the_pooled_stages_give_the_rows_of_the_in_process_ones(tmp_path):
    from dataclasses import replace

    from mscflow.eval import process_files
    from mscflow.eval.synthetic import write_corpus
    from mscflow.settings import load_settings

    paths = write_corpus(SEEDS, tmp_path / "c", 20)
    one = process_files(paths, replace(load_settings(), workers=1))
    two = process_files(paths, replace(load_settings(), workers=2))
    for table in ("documents", "quarantine", "table_rows", "studies", "study_values", "registrations", "references"):
        assert one.table(table).equals(two.table(table)), table
