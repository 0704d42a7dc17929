"""A file rewritten while it is read, a document over its time budget, twins decided again."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mscflow.clean.document import clean_batch
from mscflow.extract.document import extract_batch, failed_extraction_quarantine
from mscflow.ingest import diff_seeds, list_seeds, read_seed
from mscflow.settings import load_settings

# rewrites the file in place, forever, alternating two versions, each written in two halves
WRITER = """
import sys, time
path, a, b = sys.argv[1], sys.argv[2].encode() * 4000, sys.argv[3].encode() * 4000
print("writing", flush=True)
while True:
    for data in (a, b):
        with open(path, "wb") as fh:
            fh.write(data[: len(data) // 2]); fh.flush(); time.sleep(0.002)
            fh.write(data[len(data) // 2:])
"""
A, B = "间充质干细胞治疗膝骨关节炎，纳入30例。\n", "间充质干细胞治疗脊髓损伤，纳入12例患者。\n"


def test_a_file_rewritten_while_read_is_one_whole_version_or_read_again_later(tmp_path: Path):
    path = tmp_path / "busy.txt"
    path.write_text(A * 4000, encoding="utf-8")
    versions = {hashlib.sha256((t * 4000).encode()).hexdigest(): t for t in (A, B)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), A, B], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
        docs = [read_seed(path, tmp_path, 5 * 1024 * 1024, {}) for _ in range(30)]
    finally:
        writer.kill()
        writer.wait(timeout=60)
    for doc in docs:
        if doc.ok:
            assert doc.sha256 in versions and doc.text == versions[doc.sha256] * 4000  # never half
        else:
            assert doc.quarantine_reason == "file_changing", doc.quarantine_detail


def test_a_file_just_created_empty_is_read_once_its_writer_has_written(tmp_path: Path):
    """A browser or an editor creates (or truncates) the file, then writes it: the empty file is
    not taken as the document while it is that young (it was, 0.05 s after its creation)."""
    path = tmp_path / "saving.txt"
    path.write_bytes(b"")
    writer = threading.Timer(0.3, lambda: path.write_text(A * 100, encoding="utf-8"))
    writer.start()
    try:
        doc = read_seed(path, tmp_path, 5 * 1024 * 1024, {})
    finally:
        writer.join()
    assert doc.ok and doc.text == A * 100, doc.quarantine_reason


def test_an_empty_file_at_rest_is_still_empty(tmp_path: Path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    started = time.monotonic()
    doc = read_seed(path, tmp_path, 5 * 1024 * 1024, {})
    assert doc.quarantine_reason == "empty_file" and time.monotonic() - started < 5


def test_a_file_dated_in_the_future_is_read_once_it_stays_unchanged(tmp_path: Path):
    """Another machine's clock or an archive can date a file ahead of ours: it is read (after one
    more look), never held as file_changing until our clock catches up."""
    import os

    for name, data in (("ahead.txt", (A * 10).encode()), ("ahead_empty.txt", b"")):
        path = tmp_path / name
        path.write_bytes(data)
        ahead = time.time_ns() + 86_400 * 10**9
        os.utime(path, ns=(ahead, ahead))
        started = time.monotonic()
        doc = read_seed(path, tmp_path, 5 * 1024 * 1024, {})
        assert doc.quarantine_reason in (None, "empty_file") and doc.sha256 == hashlib.sha256(data).hexdigest(), name
        assert (doc.quarantine_reason == "empty_file") == (not data) and time.monotonic() - started < 5, name


def _raw(name: str, text: str) -> dict:
    sha = hashlib.sha256(text.encode()).hexdigest()
    return {"source_path": name, "sha256": sha, "document_id": sha[:16], "size_bytes": len(text.encode()),
            "encoding": "utf_8", "encoding_confidence": 1.0, "text": text,
            "quarantine_reason": None, "quarantine_detail": None}


def test_a_document_over_its_time_budget_is_quarantined_as_timeout_and_the_others_go_on():
    good = "间充质干细胞治疗膝骨关节炎的临床研究：共纳入30例患者，随访12个月。\n" * 3
    slow = "干细胞" + "1" * 200_000 + "例\n"  # a number rule is quadratic in a run of digits
    batch = clean_batch({"good.txt": _raw("good.txt", good), "slow.txt": _raw("slow.txt", slow)}, timeout=30)
    docs = {k: (f.iloc[0].to_dict() if len(f) else None) for k, f in batch.documents.items()}
    assert docs["good.txt"] is not None and docs["slow.txt"] is not None
    extraction = extract_batch(docs, timeout=2)
    quarantine = failed_extraction_quarantine(docs, extraction)
    assert list(quarantine) == ["slow.txt"]
    assert quarantine["slow.txt"]["reason"] == "timeout" and quarantine["slow.txt"]["stage"] == "extract"
    assert "MSCFLOW_DOCUMENT_TIMEOUT" in quarantine["slow.txt"]["detail"]
    assert len(extraction.frames["studies"]["good.txt"]) >= 1


def test_cleaning_over_its_budget_is_quarantined_too():
    batch = clean_batch({"long.txt": _raw("long.txt", "干细胞\n" * 100_000)}, timeout=0.001)
    row = batch.quarantine["long.txt"].iloc[0]
    assert (row["stage"], row["reason"]) == ("documents", "timeout")
    assert len(batch.documents["long.txt"]) == 0


def test_when_either_twin_goes_the_other_is_decided_again():
    before = {"a.txt": "1", "a (1).txt": "1", "b.txt": "2"}
    gone_original = diff_seeds(before, {"a (1).txt": "1", "b.txt": "2"})
    assert gone_original.removed == ["a.txt"] and gone_original.changed == ["a (1).txt"]
    gone_copy = diff_seeds(before, {"a.txt": "1", "b.txt": "2"})
    assert gone_copy.removed == ["a (1).txt"] and gone_copy.changed == ["a.txt"]
    new_copy = diff_seeds({"a.txt": "1", "b.txt": "2"}, {"a.txt": "1", "a - 副本.txt": "1", "b.txt": "2"})
    assert new_copy.added == ["a - 副本.txt"] and new_copy.changed == ["a.txt"] and new_copy.unchanged == ["b.txt"]


def test_the_symlink_policy_is_a_setting(tmp_path: Path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a.txt").write_text(A, encoding="utf-8")
    (folder / "inside.txt").symlink_to("a.txt")
    (folder / "outside.txt").symlink_to("/etc/passwd")
    inside = list_seeds(folder, load_settings({"MSCFLOW_SEED_LINKS": "inside"}).seed_links)
    assert inside.names == ["a.txt", "inside.txt"]
    assert {s.name: s.reason for s in inside.skipped} == {"outside.txt": "link_outside_seeds"}
    never = list_seeds(folder, load_settings({"MSCFLOW_SEED_LINKS": "never"}).seed_links)
    assert never.names == ["a.txt"]
    assert {s.name: s.reason for s in never.skipped} == {"inside.txt": "link_not_followed", "outside.txt": "link_not_followed"}
    with pytest.raises(ValueError, match="MSCFLOW_SEED_LINKS"):
        load_settings({"MSCFLOW_SEED_LINKS": "always"})
