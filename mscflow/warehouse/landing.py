"""Landing that follows the change: the kept build file is updated with only the store files
that changed since it was landed.

Why: a refresh after one changed document among thousands used to read every stored Parquet
file again (8 tables x N files). The build file keeps, out of the analysts' sight, every stored
row with the file it came from (schema ``landing_store``, copies included) and a stamp per
stored file (inode, size, mtime_ns: the store replaces a file by a rename, so a rewrite always
changes the inode). A refresh deletes the rows of the files that changed or went, inserts the
rows of the files that changed or arrived, and derives ``landing.<table>`` again from
``landing_store.<table>`` in document-key and file-row order, exactly as a clean landing orders
them, so the models see the same rows in the same order.

Everything an update does is one DuckDB transaction: a run killed half-way leaves the kept file
as it was, still matching its stamps. A full landing is made when the build file is missing, was
landed by other code (``code_version``), or never finished its landing; and per table when the
changed files would change the table's column types (a clean build types a column from the
union of every file's types)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from mscflow import store
from mscflow.contracts import CONTRACTS, WAREHOUSE_TABLES
from mscflow.ingest.duplicates import copies_of, near_duplicate_quarantine, text_key

from .comments import apply_comments
from .models import LANDING, quote_identifier, quote_relation

STORE_SCHEMA = "landing_store"  # every stored row with its file; not landing, not published
FILES = f"{STORE_SCHEMA}._files"
STATE = f"{STORE_SCHEMA}._state"
TEXTS = f"{STORE_SCHEMA}._texts"  # one clean-text fingerprint per stored document
NULL_TYPE = "NULL"  # a column that is all-null in one file (an empty frame): no type of its own
ROW_COLUMNS = ("_doc_key", "_file", "_row")  # where a landing_store row came from
_PACKAGE = Path(__file__).resolve().parents[1]
_CODE = tuple(_PACKAGE / part for part in ("warehouse", "store", "contracts", "ingest"))


def code_version() -> str:
    """A digest of the code that decides what landing holds (store, contracts, ingest, this
    package) and of DuckDB's version: a kept build file landed by other code is not updated."""
    digest = hashlib.sha256(duckdb.__version__.encode())
    for root in _CODE:
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:32]


@dataclass
class TableChange:
    """What changed in one stored table since the kept landing: file name -> stamp."""

    arrived: dict[str, str] = field(default_factory=dict)  # new or rewritten files
    gone: list[str] = field(default_factory=list)  # removed or rewritten files (their old rows)

    @property
    def any(self) -> bool:
        return bool(self.arrived or self.gone)


def scan_store(store_dir: Path) -> dict[str, dict[str, str]]:
    """{table: {file name: stamp}} of every stored landing file, from one directory listing per
    table (no file is opened)."""
    out: dict[str, dict[str, str]] = {}
    for table in WAREHOUSE_TABLES:
        folder = store_dir / table
        entries = os.scandir(folder) if folder.is_dir() else []
        out[table] = {e.name: _stamp(e.stat()) for e in entries if e.name.endswith(".parquet")}
    return out


def _stamp(st: os.stat_result) -> str:
    return f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def diff_store(kept: dict[str, str], current: dict[str, str]) -> TableChange:
    """The files of one table that arrived, changed or went since ``kept`` was landed."""
    arrived = {n: s for n, s in current.items() if kept.get(n) != s}
    gone = sorted(n for n, s in kept.items() if current.get(n) != s)
    return TableChange(arrived=arrived, gone=gone)


def file_signatures(paths: list[Path]) -> dict[str, str]:
    """{file name: its columns and Parquet types} (footers only, one statement)."""
    if not paths:
        return {}
    with duckdb.connect() as con:
        rows = con.execute(
            "SELECT parse_filename(file_name), string_agg(name || '=' || CASE WHEN logical_type::VARCHAR "
            f"LIKE 'NullType%' THEN '{NULL_TYPE}' ELSE coalesce(type, '') || ':' || "
            "coalesce(logical_type::VARCHAR, '') || ':' || coalesce(converted_type, '') END, ',' ORDER BY name) "
            "FROM parquet_schema(?) WHERE num_children IS NULL OR num_children = 0 GROUP BY file_name",
            [[str(p) for p in paths]]).fetchall()
    return dict(rows)


def union_types(signatures: Iterable[str]) -> dict[str, str] | None:
    """Column -> the one non-null type the files give it (NULL when none does), as a clean
    landing's ``union_by_name`` types it; None when two files disagree (a clean landing would
    widen the type, so the table is landed whole)."""
    types: dict[str, set[str]] = {}
    for signature in set(signatures):
        for item in filter(None, signature.split(",")):
            name, _, kind = item.partition("=")
            types.setdefault(name, set()).update({kind} - {NULL_TYPE})
    if any(len(kinds) > 1 for kinds in types.values()):
        return None
    return {name: next(iter(kinds), NULL_TYPE) for name, kinds in types.items()}


def _rows_sql(files: list[str], table: str) -> tuple[str, list[str]]:
    """The stored rows of ``files`` with the contract's columns (NULL where no file has one) plus
    where each row came from (document key, file, row)."""
    columns = list(CONTRACTS[table].columns)
    if not files:
        typed = ", ".join(f"CAST(NULL AS VARCHAR) AS {quote_identifier(c)}" for c in columns)
        return f"SELECT {typed}, NULL::VARCHAR AS _doc_key, NULL::VARCHAR AS _file, NULL::BIGINT AS _row WHERE false", []
    with duckdb.connect() as con:
        present = {r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?, union_by_name = true)", [files]).fetchall()}
    select = ", ".join(f"r.{quote_identifier(c)}" if c in present else f"NULL AS {quote_identifier(c)}" for c in columns)
    sql = (f"SELECT {select}, k.doc_key AS _doc_key, parse_filename(r.filename) AS _file, r.file_row_number AS _row "
           f"FROM read_parquet($files, union_by_name = true, filename = true, file_row_number = true) r "
           f"JOIN (SELECT file_name, decode(value) AS doc_key FROM parquet_kv_metadata($files) "
           f"WHERE decode(key) = '{store.KEY.decode()}') k ON r.filename = k.file_name")
    return sql, files


def _load_rows(con: duckdb.DuckDBPyConnection, table: str, paths: list[Path], create: bool) -> None:
    """CREATE (``create``) or append to ``landing_store.<table>`` the rows of ``paths``."""
    sql, files = _rows_sql([str(p) for p in paths], table)
    target = quote_relation(f"{STORE_SCHEMA}.{table}")
    head = f"CREATE OR REPLACE TABLE {target} AS " if create else f"INSERT INTO {target} BY NAME "
    if create or files:
        con.execute(head + sql, {"files": files} if files else None)


def _record_files(con: duckdb.DuckDBPyConnection, table: str, stamps: dict[str, str],
                  signatures: dict[str, str]) -> None:
    frame = pd.DataFrame({"tbl": table, "file": list(stamps), "stamp": list(stamps.values()),
                          "sig": [signatures.get(n, "") for n in stamps]}, dtype=object)
    con.register("_stamps", frame)
    try:
        con.execute(f"INSERT INTO {FILES} SELECT tbl, file, stamp, sig FROM _stamps")
    finally:
        con.unregister("_stamps")


def _land_table_whole(con: duckdb.DuckDBPyConnection, store_dir: Path, table: str, stamps: dict[str, str]) -> None:
    """Every stored file of one table into ``landing_store`` (and its stamps)."""
    paths = [store_dir / table / n for n in sorted(stamps)]
    _load_rows(con, table, paths, create=True)
    con.execute(f"DELETE FROM {FILES} WHERE tbl = ?", [table])
    _record_files(con, table, stamps, file_signatures(paths))
    if table == "documents":
        _sync_texts(con, None, sorted(stamps))


def _update_table(con: duckdb.DuckDBPyConnection, store_dir: Path, table: str, change: TableChange,
                  stamps: dict[str, str]) -> None:
    """Replace the rows of the files that changed; the whole table when its types would change."""
    kept = dict(con.execute(f"SELECT file, sig FROM {FILES} WHERE tbl = ?", [table]).fetchall())
    arrived = [store_dir / table / n for n in sorted(change.arrived)]
    signatures = file_signatures(arrived)
    after = {n: s for n, s in kept.items() if n not in change.gone} | signatures
    before_types, after_types = union_types(kept.values()), union_types(after.values())
    if before_types is None or before_types != after_types or len(signatures) != len(arrived):
        _land_table_whole(con, store_dir, table, stamps)
        return
    gone = change.gone
    con.execute(f"DELETE FROM {quote_relation(f'{STORE_SCHEMA}.{table}')} WHERE _file IN (SELECT unnest(?))", [gone])
    con.execute(f"DELETE FROM {FILES} WHERE tbl = ? AND file IN (SELECT unnest(?))", [table, gone])
    _load_rows(con, table, arrived, create=False)
    _record_files(con, table, change.arrived, signatures)
    if table == "documents":
        _sync_texts(con, gone, sorted(change.arrived))


def _sync_texts(con: duckdb.DuckDBPyConnection, gone: list[str] | None, arrived: list[str]) -> None:
    """Keep one text fingerprint per stored document (``TEXTS``): the near-duplicate decision
    then reads the fingerprints, not every document's clean text again (``gone`` None: all)."""
    if gone is None:
        con.execute(f"DELETE FROM {TEXTS}")
    else:
        con.execute(f"DELETE FROM {TEXTS} WHERE _file IN (SELECT unnest(?))", [gone])
    rows = con.execute(f"SELECT _file, source_path, clean_text FROM {quote_relation(f'{STORE_SCHEMA}.documents')} "
                       "WHERE _file IN (SELECT unnest(?))", [arrived]).fetchall()
    frame = pd.DataFrame([(f, n, text_key(t)) for f, n, t in rows],
                         columns=["_file", "source_path", "fingerprint"], dtype=object)
    con.register("_texts", frame)
    try:
        con.execute(f"INSERT INTO {TEXTS} SELECT _file, source_path, fingerprint FROM _texts")
    finally:
        con.unregister("_texts")


def _copies(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The stored documents' near-duplicates (copy -> original), from their kept fingerprints."""
    return copies_of(con.execute(f"SELECT source_path, fingerprint FROM {TEXTS}").fetchall())


def _derive(con: duckdb.DuckDBPyConnection, table: str, copies: dict[str, str]) -> int:
    """``landing.<table>``: the stored rows but the copies', in document-key and file-row order
    (a clean landing's order), the copies' quarantine rows after them."""
    relation = quote_relation(f"{LANDING}.{table}")
    columns = ", ".join(quote_identifier(c) for c in CONTRACTS[table].columns)
    con.execute(f"CREATE OR REPLACE TABLE {relation} AS SELECT {columns} FROM "
                f"{quote_relation(f'{STORE_SCHEMA}.{table}')} WHERE NOT list_contains(?, _doc_key) "
                f"ORDER BY _doc_key, _row", [sorted(copies)])
    if table == "quarantine" and copies:
        documents = con.execute(f"SELECT source_path, sha256, encoding FROM {quote_relation(f'{STORE_SCHEMA}.documents')} "
                                "WHERE list_contains(?, source_path) ORDER BY _doc_key, _row", [sorted(copies)]).df()
        _land_rows(con, relation, pd.DataFrame(near_duplicate_quarantine(documents, copies)))
    apply_comments(con, f"{LANDING}.{table}", "TABLE",
                   f"Rows of the stored table '{table}' as the document assets wrote them "
                   f"(one Parquet file per seed document), before typing.")
    return int(con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0])


def _land_rows(con: duckdb.DuckDBPyConnection, relation: str, frame: pd.DataFrame) -> None:
    """Append rows made at landing (not stored by a document asset) to a landing table. A column
    every stored file left empty has DuckDB's NULL type, which holds no value: it becomes VARCHAR
    first (the staging view types it from there, as it types any stored text)."""
    untyped = [name for name, kind in con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {relation})").fetchall()
               if kind.strip('"') == NULL_TYPE and name in frame.columns]
    for name in untyped:
        con.execute(f"ALTER TABLE {relation} ALTER COLUMN {quote_identifier(name)} TYPE VARCHAR")
    con.register("_landing_rows", frame)
    try:
        con.execute(f"INSERT INTO {relation} BY NAME SELECT * FROM _landing_rows")
    finally:
        con.unregister("_landing_rows")


def kept_stamps(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]] | None:
    """The stamps the kept build file was landed from, or None when it cannot be updated (no
    finished landing, or one made by other code)."""
    try:
        state = con.execute(f"SELECT code_version FROM {STATE}").fetchall()
    except duckdb.CatalogException:
        return None
    if state != [(code_version(),)]:
        return None
    kept: dict[str, dict[str, str]] = {t: {} for t in WAREHOUSE_TABLES}
    for table, name, stamp in con.execute(f"SELECT tbl, file, stamp FROM {FILES}").fetchall():
        kept.setdefault(table, {})[name] = stamp
    return kept


@dataclass
class Landed:
    """Rows per landing table, and what the landing did (for the run's metadata)."""

    counts: dict[str, int]
    incremental: bool
    files_changed: int


def land_full(con: duckdb.DuckDBPyConnection, store_dir: Path) -> Landed:
    """Land every stored file into a fresh build file (its connection ``con``)."""
    current = scan_store(store_dir)
    con.execute("BEGIN")
    for schema in (LANDING, STORE_SCHEMA):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(f"CREATE OR REPLACE TABLE {FILES} (tbl VARCHAR, file VARCHAR, stamp VARCHAR, sig VARCHAR)")
    con.execute(f"CREATE OR REPLACE TABLE {STATE} (code_version VARCHAR)")
    con.execute(f"CREATE OR REPLACE TABLE {TEXTS} (_file VARCHAR, source_path VARCHAR, fingerprint VARCHAR)")
    for table in WAREHOUSE_TABLES:
        _land_table_whole(con, store_dir, table, current[table])
    copies = _copies(con)
    counts = {t: _derive(con, t, copies) for t in WAREHOUSE_TABLES}
    con.execute(f"INSERT INTO {STATE} VALUES (?)", [code_version()])  # the landing is finished
    con.execute("COMMIT")
    return Landed(counts, incremental=False, files_changed=sum(map(len, current.values())))


def land_changes(con: duckdb.DuckDBPyConnection, store_dir: Path, kept: dict[str, dict[str, str]]) -> Landed:
    """Update a kept landing with the store files that changed since (one transaction)."""
    current = scan_store(store_dir)
    changes = {t: diff_store(kept.get(t, {}), current[t]) for t in WAREHOUSE_TABLES}
    changed = [t for t, c in changes.items() if c.any]
    con.execute("BEGIN")
    copies_before = _copies(con) if "documents" in changed else None
    for table in changed:
        _update_table(con, store_dir, table, changes[table], current[table])
    copies = _copies(con)
    rederive = WAREHOUSE_TABLES if copies_before is not None and copies_before != copies else changed
    rederive = set(rederive) | ({"quarantine"} if "documents" in changed else set())
    for table in rederive:
        _derive(con, table, copies)
    counts = {t: int(con.execute(f"SELECT count(*) FROM {quote_relation(f'{LANDING}.{t}')}").fetchone()[0])
              for t in WAREHOUSE_TABLES}
    con.execute("COMMIT")
    return Landed(counts, incremental=True,
                  files_changed=sum(len(c.arrived) + len(set(c.gone) - set(c.arrived)) for c in changes.values()))
