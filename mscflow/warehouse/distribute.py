"""The analysts' copy of a build: core, marts and their dictionary, in a storage format every
DuckDB 1.x client reads.

The build runs on DuckDB 2.0 and its file is in 2.0's storage format, which the widely deployed
1.x clients (the DuckDB CLI, DBeaver's JDBC driver, R's duckdb) cannot open. The published file
is therefore not a byte copy of the build file: it is written by ATTACHing a new file with
``STORAGE_VERSION`` set to the oldest 1.x format and copying the analysts' tables into it with
their COMMENTs. Landing and staging stay in the build file, where they explain a build; the
analysts' file holds only what analysts query, plus ``dictionary.tables``, ``dictionary.columns``
and ``dictionary.codes`` (the data dictionary as tables)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .comments import _literal
from .models import quote_relation

# The storage format the published file is written in: DuckDB 1.0's, which every 1.x and 2.x
# client reads (1.5.6 reads 64..68, 2.0 reads all of them).
STORAGE_VERSION = "v1.0.0"
PUBLISHED_SCHEMAS = ("core", "marts")
DICTIONARY_SCHEMA = "dictionary"


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str, str | None]]:
    marks = ", ".join("?" for _ in PUBLISHED_SCHEMAS)
    return con.execute(
        f"SELECT schema_name, table_name, comment FROM duckdb_tables() WHERE database_name = ? "
        f"AND schema_name IN ({marks}) ORDER BY schema_name, table_name",
        [catalog, *PUBLISHED_SCHEMAS]).fetchall()


def _copy_table(con: duckdb.DuckDBPyConnection, schema: str, table: str, comment: str | None) -> None:
    source = f"src.{quote_relation(f'{schema}.{table}')}"
    target = f"pub.{quote_relation(f'{schema}.{table}')}"
    con.execute(f"CREATE TABLE {target} AS SELECT * FROM {source}")
    if comment:
        con.execute(f"COMMENT ON TABLE {target} IS {_literal(comment)}")
    for column, text in con.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = 'src' "
            "AND schema_name = ? AND table_name = ? ORDER BY column_index", [schema, table]).fetchall():
        if text:
            con.execute(f'COMMENT ON COLUMN {target}."{column}" IS {_literal(text)}')


def _write_dictionary(con: duckdb.DuckDBPyConnection) -> None:
    from .dictionary import code_rows, column_rows, table_rows

    con.execute(f"CREATE SCHEMA pub.{DICTIONARY_SCHEMA}")
    frames = {
        "tables": (table_rows(con, "pub"), "Every table of the published file: schema, name, meaning, rows"),
        "columns": (column_rows(con, "pub"), "Every column of every published table: type, meaning and, "
                    "for coded columns, the vocabulary of its codes (dictionary.codes)"),
        "codes": (code_rows(), "Every code of every vocabulary (assets/vocab) with its label"),
    }
    for name, (frame, comment) in frames.items():
        con.register("dictionary_frame", frame)
        con.execute(f"CREATE TABLE pub.{DICTIONARY_SCHEMA}.{name} AS SELECT * FROM dictionary_frame")
        con.unregister("dictionary_frame")
        con.execute(f"COMMENT ON TABLE pub.{DICTIONARY_SCHEMA}.{name} IS {_literal(comment)}")


def write_analyst_copy(build_file: Path, target: Path) -> Path:
    """Write ``target`` (which must not exist): core and marts of ``build_file`` with their
    comments and the dictionary tables, in storage format ``STORAGE_VERSION``."""
    target.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_literal(str(build_file))} AS src (READ_ONLY)")
        con.execute(f"ATTACH {_literal(str(target))} AS pub (STORAGE_VERSION {_literal(STORAGE_VERSION)})")
        tables = _tables(con, "src")
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f'CREATE SCHEMA pub."{schema}"')
        for schema, table, comment in tables:
            _copy_table(con, schema, table, comment)
        _write_dictionary(con)
        con.execute("DETACH pub")
        con.execute("DETACH src")
    finally:
        con.close()
    return target
