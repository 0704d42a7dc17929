"""What the gate reads of a relation: every column its checks look at, as stored; a text column
that no check reads beyond "is there a value" as a stand-in of the same nullness.

At 10,000 documents ``core.documents`` holds 200 MB of ``clean_text``, and turning it into
Python strings for pandas took 2.5-6.5 s of the gate, though its checks only ask whether each
value is there and is text (``ExpectColumnValuesToNotBeNull``; a pandera ``str`` column with no
checks). Such a column is read as ``''`` where it has a value and NULL where it has none: every
verdict, count and Data Docs figure is the same. Which columns qualify is derived from the suite
and the contract, never listed by hand, so a check added on a column later makes it read whole."""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pandas as pd

from mscflow.contracts import CONTRACTS

from .models import quote_identifier, quote_relation

_PRESENCE_ONLY = "ExpectColumnValuesToNotBeNull"


def _gx_presence_only(column: str, expectations: list[Any]) -> bool:
    """True when every expectation that names ``column`` only asks that it be non-null."""
    for e in expectations:
        kwargs = e.configuration.kwargs
        named = column in json.dumps({k: v for k, v in kwargs.items() if k != "result_format"}, default=str)
        if named and not (type(e).__name__ == _PRESENCE_ONLY and kwargs.get("column") == column
                          and not kwargs.get("row_condition")):
            return False
    return True


def _pandera_checks_nothing_but_type(table: str, column: str) -> bool:
    """True when the contract (if any) checks no more of ``column`` than its type and nullness."""
    contract = CONTRACTS.get(table)
    if contract is None:
        return True
    schema = contract.schema
    if len(schema.checks) != len(contract.ordered):  # a dataframe check that may read any column
        return False
    in_pairs = {c for o in contract.ordered for c in (o.low, o.high)}
    col = schema.columns.get(column)
    return col is None or (not col.checks and not col.unique and column not in in_pairs
                           and column not in (schema.unique or []))


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    schema, table = relation.split(".", 1)
    return con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
                       "ORDER BY column_index", [schema, table]).fetchall()


def _presence_only(relation: str, columns: list[tuple[str, str]], expectations: list[Any]) -> list[str]:
    table = relation.split(".", 1)[1]
    return [c for c, kind in columns if kind == "VARCHAR" and _gx_presence_only(c, expectations)
            and _pandera_checks_nothing_but_type(table, c)]


def presence_only_columns(con: duckdb.DuckDBPyConnection, relation: str, expectations: list[Any]) -> list[str]:
    """The relation's text columns whose checks ask only whether a value is there."""
    return _presence_only(relation, _columns(con, relation), expectations)


def gate_frame(con: duckdb.DuckDBPyConnection, relation: str, expectations: list[Any]) -> pd.DataFrame:
    """The relation as the gate judges it (see the module)."""
    columns = _columns(con, relation)
    thin = set(_presence_only(relation, columns, expectations))
    select = ", ".join(f"CASE WHEN {q} IS NULL THEN NULL ELSE '' END AS {q}" if c in thin else q
                       for c, q in ((c, quote_identifier(c)) for c, _ in columns))
    return con.execute(f"SELECT {select} FROM {quote_relation(relation)}").df()
