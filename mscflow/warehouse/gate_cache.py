"""The gate's memory of relations it already judged: a refresh re-validates only what changed.

A relation's outcomes (its pandera model, its GX suite) are a function of its rows, its suite
and the code that judges them. So the gate keeps, per relation, a key made of all three and the
outcomes it found (with GX's validation result, for the Data Docs); the next gate reuses them
when the key is the same. After one changed document of 1,000 most marts and several core
tables are unchanged, and each costs 0.05-0.4 s of GX machinery to judge again.

- **Rows**: row count, column names and types, and the sum and the XOR of DuckDB's 64-bit hash
  of every row, in one scan (the order of rows does not matter to any check; a duplicated row
  changes the sum).
- **Suite**: every expectation's configuration (value sets from the vocabularies, row counts
  derived from other tables included).
- **Code**: this module, the gate and what it reads (``gate_reads``), the contracts, and the
  versions of GX, pandera, pandas and DuckDB.

The memory is one JSON file beside the quality folder, replaced atomically; a missing or
unreadable file only means every relation is judged again."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb

from mscflow.files import replace_file

from .models import quote_relation

_JUDGING_CODE = ("mscflow/warehouse/gate.py", "mscflow/warehouse/gate_cache.py", "mscflow/warehouse/gate_reads.py",
                 "mscflow/contracts")
_JUDGING_PACKAGES = ("great_expectations", "pandera", "pandas", "duckdb")


def cache_file(quality_dir: Path) -> Path:
    """Beside the quality folder, which every gate empties for its Data Docs."""
    return quality_dir.with_name(f".{quality_dir.name}-cache.json")


def code_fingerprint() -> str:
    """The code and package versions that decide a relation's outcomes."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for entry in _JUDGING_CODE:
        path = root / entry
        for source in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(source.relative_to(root).as_posix().encode())
            digest.update(source.read_bytes())
    for package in _JUDGING_PACKAGES:
        digest.update(f"{package}=={version(package)}".encode())
    return digest.hexdigest()


def relation_key(con: duckdb.DuckDBPyConnection, relation: str, expectations: list[Any] | None) -> str:
    """What a relation's outcomes depend on, besides the code: its rows and its suite."""
    schema, table = relation.split(".", 1)
    columns = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
        "ORDER BY column_index", [schema, table]).fetchall()
    rows = con.execute(f"SELECT count(*), sum(hash(t)::HUGEINT)::VARCHAR, bit_xor(hash(t)) "
                       f"FROM {quote_relation(relation)} AS t").fetchone()
    suite = [e.configuration.to_json_dict() for e in expectations or []]
    text = json.dumps([columns, list(rows), suite], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Judged:
    """One relation's outcomes as ``CheckOutcome`` dicts, and GX's validation result."""

    key: str
    pandera: dict | None
    gx: list[dict]
    gx_result: list | None  # [validation result key as a tuple, the result serialized by GX's store]


class GateCache:
    """Outcomes of the last gate per relation, valid for one code fingerprint."""

    def __init__(self, path: Path, code: str, judged: dict[str, Judged]):
        self.path, self.code, self.previous = path, code, judged
        self.current: dict[str, Judged] = {}
        self.reused: list[str] = []

    @classmethod
    def load(cls, path: Path) -> GateCache:
        code = code_fingerprint()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            judged = {r: Judged(**j) for r, j in data["relations"].items()} if data.get("code") == code else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            judged = {}
        return cls(path, code, judged)

    def known(self, relation: str, key: str) -> Judged | None:
        """The outcomes judged for exactly this relation key, if any."""
        judged = self.previous.get(relation)
        return judged if judged is not None and judged.key == key else None

    def reuse(self, relation: str, judged: Judged) -> None:
        """Outcomes taken from the memory this time (kept for the next gate too)."""
        self.current[relation] = judged
        self.reused.append(relation)

    def put(self, relation: str, judged: Judged) -> None:
        self.current[relation] = judged

    def save(self) -> None:
        """Keep this gate's relations only (a relation gone from the build is forgotten)."""
        data = {"code": self.code, "relations": {r: vars(j) for r, j in self.current.items()}}
        replace_file(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
