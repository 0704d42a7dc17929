"""COMMENT ON every table and column: the data dictionary lives in the warehouse.

Sources, first hit wins: the model header's ``@column`` lines; the contract of the same
name (``mscflow.contracts``: one source of truth for landed, staged and core columns); the
comment of the same-named column in a relation the model reads (so pass-through columns in
staging, core and marts inherit their meaning instead of restating it)."""

from __future__ import annotations

import duckdb

from mscflow.contracts import CONTRACTS

from .models import Model, quote_relation


def contract_descriptions(table: str) -> dict[str, str]:
    """Column descriptions of the table's contract ({} for a table without one, e.g. a mart)."""
    c = CONTRACTS.get(table)
    return {n: d for n, d in c.descriptions.items() if d} if c else {}


def column_comments(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    schema, name = relation.split(".", 1)
    rows = con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
        "ORDER BY column_index",
        [schema, name],
    ).fetchall()
    return {col: comment or "" for col, comment in rows}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def apply_comments(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    kind: str,
    description: str,
    explicit: dict[str, str] | None = None,
    inherit_from: tuple[str, ...] = (),
) -> list[str]:
    """Comment one relation and its columns; return the columns left without a comment."""
    name = relation.split(".", 1)[1]
    described = contract_descriptions(name)
    inherited: dict[str, str] = {}
    for dep in inherit_from:
        for col, comment in column_comments(con, dep).items():
            if comment:
                inherited.setdefault(col, comment)
    quoted = quote_relation(relation)
    con.execute(f"COMMENT ON {kind} {quoted} IS {_literal(description)}")
    missing = []
    for col in column_comments(con, relation):
        comment = (explicit or {}).get(col) or described.get(col) or inherited.get(col)
        if comment:
            con.execute(f'COMMENT ON COLUMN {quoted}."{col}" IS {_literal(comment)}')
        else:
            missing.append(col)
    return missing


def comment_model(con: duckdb.DuckDBPyConnection, model: Model) -> list[str]:
    kind = "VIEW" if model.materialized == "view" else "TABLE"
    return apply_comments(con, model.relation, kind, model.description, model.column_comments, model.deps)


def uncommented(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> list[str]:
    """Tables/views and columns without a comment, as ``schema.table`` / ``schema.table.column``."""
    marks = ", ".join("?" for _ in schemas)
    rels = con.execute(
        f"SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE schema_name IN ({marks}) "
        f"AND (comment IS NULL OR comment = '') UNION ALL "
        f"SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE schema_name IN ({marks}) "
        f"AND NOT internal AND (comment IS NULL OR comment = '')",
        [*schemas, *schemas],
    ).fetchall()
    cols = con.execute(
        f"SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
        f"WHERE schema_name IN ({marks}) AND (comment IS NULL OR comment = '')",
        list(schemas),
    ).fetchall()
    return sorted(r[0] for r in rels) + sorted(c[0] for c in cols)
