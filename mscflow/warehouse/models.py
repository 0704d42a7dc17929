"""Discover the warehouse's SQL models and order them by the dependencies their SQL states.

One file per model under ``sql/<layer>/<name>.sql`` becomes the relation ``<layer>.<name>``.
The staging layer is not written by hand: ``staging.<table>`` is a typed view over
``landing.<table>`` generated from the table's contract (``mscflow.contracts``), so the
column list and the casts live in one place.
Dependencies are read from the SQL itself (every schema-qualified table it reads), so adding a
model never needs wiring in Python. A leading ``--`` comment block is the model's header:

    -- Free text: the table description (COMMENT ON TABLE / VIEW).
    -- @column name: the column's COMMENT (overrides pandera descriptions and inheritance)
    -- @materialized: view | table   (default: view in staging, table elsewhere)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import sqlglot
from sqlglot import exp

from mscflow.contracts import CONTRACTS, WAREHOUSE_TABLES, Contract
from mscflow.settings import SQL_DIR

LAYERS = ("staging", "core", "marts")
LANDING = "landing"
_COLUMN_RE = re.compile(r"^@column\s+(\w+)\s*:\s*(.+)$")
_TAG_RE = re.compile(r"^@(\w+)\s*:\s*(.+)$")


@dataclass(frozen=True)
class Model:
    """One SQL model: where it lives, what it reads and how it describes itself."""

    layer: str
    name: str
    path: Path | None  # None for a model generated from a contract
    sql: str
    description: str
    column_comments: dict[str, str] = field(default_factory=dict)
    materialized: str = "table"
    deps: tuple[str, ...] = ()  # relations read, e.g. ("landing.studies", "core.documents")

    @property
    def relation(self) -> str:
        return f"{self.layer}.{self.name}"

    @property
    def quoted(self) -> str:
        """Quoted name: model names such as ``references`` are SQL keywords."""
        return quote_relation(self.relation)

    @property
    def model_deps(self) -> tuple[str, ...]:
        """Dependencies that are other models (not landing tables)."""
        return tuple(d for d in self.deps if d.split(".")[0] in LAYERS)


def quote_relation(relation: str) -> str:
    return ".".join(f'"{part}"' for part in relation.split("."))


def quote_identifier(name: str) -> str:
    """A column (or any) name as a DuckDB identifier, whatever quotes it holds."""
    return '"' + name.replace('"', '""') + '"'


def parse_header(sql: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """Split the leading comment block into description, column comments and tags."""
    description: list[str] = []
    columns: dict[str, str] = {}
    tags: dict[str, str] = {}
    for line in sql.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        text = stripped[2:].strip()
        if m := _COLUMN_RE.match(text):
            columns[m.group(1)] = m.group(2).strip()
        elif m := _TAG_RE.match(text):
            tags[m.group(1)] = m.group(2).strip()
        elif text:
            description.append(text)
    return " ".join(description), columns, tags


def read_relations(sql: str) -> tuple[str, ...]:
    """Schema-qualified relations a SELECT reads (CTE names and table functions excluded)."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    found = {f"{t.db}.{t.name}" for t in tree.find_all(exp.Table) if t.db and t.name}
    return tuple(sorted(found))


def load_model(path: Path, layer: str) -> Model:
    sql = path.read_text(encoding="utf-8")
    description, columns, tags = parse_header(sql)
    if not description:
        raise ValueError(f"{path}: the model needs a header comment describing the table")
    default = "view" if layer == "staging" else "table"
    materialized = tags.get("materialized", default)
    if materialized not in ("view", "table"):
        raise ValueError(f"{path}: @materialized must be view or table, not {materialized!r}")
    return Model(
        layer=layer,
        name=path.stem,
        path=path,
        sql=sql,
        description=description,
        column_comments=columns,
        materialized=materialized,
        deps=read_relations(sql),
    )


def discover_models(sql_dir: Path = SQL_DIR) -> list[Model]:
    """Every model under ``sql_dir``, topologically ordered (ties broken by layer, then name).

    Raises on a reference to an unknown model or a dependency cycle, so a typo fails the build
    at once rather than as a confusing DuckDB error halfway through."""
    models = {m.relation: m for m in staging_models()}
    models.update({
        m.relation: m
        for layer in LAYERS[1:]
        for m in (load_model(p, layer) for p in sorted((sql_dir / layer).glob("*.sql")))
    })
    for m in models.values():
        unknown = [d for d in m.model_deps if d not in models]
        if unknown:
            raise ValueError(f"{m.path}: reads unknown model(s) {unknown}")
    sorter = TopologicalSorter({r: m.model_deps for r, m in models.items()})
    try:
        sorter.prepare()
    except CycleError as exc:
        raise ValueError(f"dependency cycle between SQL models: {exc.args[1]}") from exc
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    ordered: list[Model] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=lambda r: (rank[models[r].layer], models[r].name))
        for relation in ready:
            ordered.append(models[relation])
            sorter.done(relation)
    return ordered


def staging_sql(contract: Contract) -> str:
    """The typed view of one landed table: every contract column cast to its DuckDB type."""
    casts = ",\n".join(f'    CAST("{c}" AS {t}) AS "{c}"' for c, t in contract.duckdb_types.items())
    return f'SELECT\n{casts}\nFROM {LANDING}."{contract.name}"'


def staging_models() -> list[Model]:
    """``staging.<table>`` for every warehouse table, generated from its contract."""
    out = []
    for name in WAREHOUSE_TABLES:
        c = CONTRACTS[name]
        sql = staging_sql(c)
        out.append(Model(layer="staging", name=name, path=None, sql=sql, materialized="view",
                         description=f"Typed view over landing.{name}: {c.description}",
                         deps=read_relations(sql)))
    return out
