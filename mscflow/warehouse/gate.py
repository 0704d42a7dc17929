"""The quality gate: pandera and Great Expectations suites on the BUILD file's core and marts.

Nothing is published unless every check passes (publish.py). Each failure names its table, its
check and why, so the run says what to fix. Great Expectations 1.x is imported lazily (its
import costs seconds) and runs in an ephemeral context; its Data Docs are rendered to
``quality_dir`` and made readable offline (the CDN stylesheets and scripts are replaced by a
local stylesheet)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from mscflow.contracts import CONTRACTS, WAREHOUSE_TABLES
from mscflow.contracts.expectations import column_expectations
from mscflow.contracts.frames import schema_message
from mscflow.parse.vocab import load_vocab
from mscflow.standby import Then

from .build import connect
from .comments import uncommented
from .gate_cache import GateCache, Judged, cache_file, relation_key
from .gate_reads import gate_frame
from .models import LANDING, LAYERS, quote_relation
from .offline_docs import make_offline

log = logging.getLogger(__name__)
UNSTATED = "unstated"
# a study label that names no study: a reporting phrase or a bare place name (human_studies.sql
# replaces such labels by a better anchor; the gate holds it to that)
WEAK_LABEL = (r"^(也?有研究(显示|表明|发现|报道)|研究(显示|表明|发现)|也?有报道|据报道|纳入标准|医院报道|医院开展"
              r"|中国|美国|法国|韩国|日本|英国|德国|意大利|西班牙|伊朗|印度|巴西|国外|国内)$")


@dataclass(frozen=True)
class CheckOutcome:
    """One check of one relation."""

    relation: str
    check: str
    passed: bool
    detail: str = ""
    source: str = "gx"  # gx | pandera | sql


@dataclass
class GateReport:
    outcomes: list[CheckOutcome] = field(default_factory=list)
    data_docs_index: Path | None = None
    build_file: Path | None = None
    build_sha256: str = ""  # which build file the verdict is about (publish_if_gated checks it)
    reused: list[str] = field(default_factory=list)  # relations judged by an earlier gate (gate_cache.py)

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outcomes)

    @property
    def failures(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if not o.passed]

    def for_relation(self, relation: str) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.relation == relation]

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "data_docs_index": str(self.data_docs_index) if self.data_docs_index else None,
            "build_file": str(self.build_file) if self.build_file else None,
            "build_sha256": self.build_sha256,
            "reused": self.reused,
            "outcomes": [vars(o) for o in self.outcomes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GateReport:
        """A report read back from its ``gate.json``."""
        return cls(outcomes=[CheckOutcome(**o) for o in data.get("outcomes", [])],
                   data_docs_index=Path(data["data_docs_index"]) if data.get("data_docs_index") else None,
                   build_file=Path(data["build_file"]) if data.get("build_file") else None,
                   build_sha256=data.get("build_sha256", ""), reused=data.get("reused", []))

    def summary(self) -> str:
        """One line per failed check (or a pass line): what a run log should say."""
        reused = f" ({len(self.reused)} relations unchanged since an earlier gate: their outcomes reused)" \
            if self.reused else ""
        if self.passed:
            return f"quality gate passed: {len(self.outcomes)} checks{reused}"
        lines = [f"quality gate FAILED: {len(self.failures)} of {len(self.outcomes)} checks"]
        lines += [f"  {o.relation}: {o.check}: {o.detail}" for o in self.failures]
        return "\n".join(lines)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


GATE_FILE = "gate.json"


class GateFailed(RuntimeError):
    """The gate failed: nothing is published; the message names every failed check."""

    def __init__(self, report: GateReport):
        super().__init__(report.summary())
        self.report = report


# ---------------------------------------------------------------------------------------------
# suites: relation -> expectations. Written as data so the Data Docs list them per table.


def _codes(vocab: str, *extra: str) -> list[str]:
    return [*load_vocab(vocab).codes, *extra]


def _suites(gxe: Any, con: duckdb.DuckDBPyConnection) -> dict[str, list[Any]]:
    """Expectations per relation. Landing counts and the number of documents are read from the
    build file so reconciliation is checked against it; referential integrity is not a GX value
    set (see ``REFERENCES``)."""
    from great_expectations.expectations.row_conditions import Column

    n_documents = int(con.execute("SELECT count(*) FROM core.documents").fetchone()[0])
    landed = {
        t: int(con.execute(f"SELECT count(*) FROM {quote_relation(f'{LANDING}.{t}')}").fetchone()[0])
        for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? ORDER BY 1", [LANDING]
        ).fetchall()
    }

    def not_null(*cols: str) -> list[Any]:
        return [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in cols]

    def in_set(col: str, values: list[str], why: str) -> Any:
        return gxe.ExpectColumnValuesToBeInSet(column=col, value_set=values, description=why)

    def between(col: str, lo: float | None, hi: float | None) -> Any:
        return gxe.ExpectColumnValuesToBeBetween(column=col, min_value=lo, max_value=hi)

    def reconciles(table: str) -> Any:
        return gxe.ExpectTableRowCountToEqual(
            value=landed.get(table, 0),
            description=f"Row-count reconciliation: landing.{table} rows in = core.{table} rows out",
        )

    def derived(table: str) -> list[Any]:
        """The contract's column expectations (never restated here, so they cannot drift)."""
        return column_expectations(CONTRACTS[table], gxe)

    core = {f"core.{t}": [reconciles(t), *derived(t)] for t in WAREHOUSE_TABLES}
    return {
        **core,
        "marts.evidence_by_disease": [
            gxe.ExpectColumnValuesToBeUnique(column="disease"),
            *not_null("disease", "n_studies", "n_distinct_studies"),
            in_set("disease", _codes("diseases", UNSTATED), "Disease codes"),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="n_studies", column_B="n_distinct_studies", or_equal=True,
                description="Clusters count once: distinct studies <= mentions",
            ),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="n_distinct_studies", column_B="n_rct", or_equal=True,
                description="RCTs are a subset of the distinct studies",
            ),
            between("n_patients", 0, None),
        ],
        "marts.cell_source_by_disease": [
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["disease", "tissue_source", "donor"]),
            in_set("tissue_source", _codes("tissue_sources", UNSTATED), "Tissue sources"),
            in_set("donor", _codes("donors", UNSTATED), "Donor codes"),
            between("n_studies", 1, None),
        ],
        "marts.dose_by_route": [
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["route", "tissue_source", "dose_unit"]),
            in_set("route", _codes("routes", UNSTATED), "Routes"),
            in_set("dose_unit", ["cells", "cells_per_kg", UNSTATED], "Per-kg and absolute doses kept apart"),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="median_dose", column_B="min_dose", or_equal=True),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="max_dose", column_B="median_dose", or_equal=True),
            between("n_studies", 1, None),
        ],
        "marts.registry_status": [
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["status", "sponsor", "intervention_type"]),
            in_set("status", _codes("registration_status", UNSTATED), "Registry status codes"),
            between("n_registrations", 1, None),
        ],
        "marts.human_studies": [
            gxe.ExpectColumnValuesToBeUnique(column="study_key"),
            *not_null("study_key", "study_label", "study_id", "document_id"),
            in_set("label_source", ["article", "institution", "evidence"], "Where the study's name comes from"),
            in_set("design", [c for c in _codes("designs") if c != "animal"], "No animal study in a human-evidence mart"),
            gxe.ExpectColumnValuesToNotMatchRegex(
                column="study_label", regex=WEAK_LABEL,
                description="No label that names no study (a reporting phrase, a bare country name)"),
        ],
        "marts.efficacy_by_disease": [
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["disease", "measure"]),
            *not_null("disease", "measure", "n_studies", "study_ids"),
            in_set("measure", _codes("outcomes"), "Measure codes (assets/vocab/outcomes.yaml)"),
            between("n_studies", 1, None),
            between("share_improved", 0, 1),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="n_results", column_B="n_studies", or_equal=True,
                                                        description="Every study counted states at least one result"),
        ],
        "marts.safety_by_cell_source": [
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["tissue_source", "route"]),
            in_set("tissue_source", _codes("tissue_sources", UNSTATED), "Tissue sources"),
            in_set("route", _codes("routes", UNSTATED), "Routes"),
            between("n_studies", 1, None),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="n_studies", column_B="n_studies_serious", or_equal=True,
                                                        description="Studies with a serious event are a subset"),
        ],
        "marts.registry_by_condition": [
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["condition", "status"]),
            in_set("status", _codes("registration_status", UNSTATED), "Registry status codes"),
            gxe.ExpectColumnValuesToNotMatchRegex(column="condition", regex=r"更多|另外\s*\d+\s*个",
                                                  description="Conditions cleaned of the listing page's text"),
            between("n_registrations", 1, None),
        ],
        "marts.document_quality": [
            gxe.ExpectColumnValuesToBeUnique(column="document_id"),
            gxe.ExpectTableRowCountToEqual(value=n_documents, description="One row per document"),
            between("share_table_rows_with_study", 0, 1),
            gxe.ExpectColumnValuesToBeBetween(
                column="n_studies", min_value=1, row_condition=Column("n_trial_tables") > 0,
                description="At least one study per document that has a trial table",
            ),
        ],
    }


# ---------------------------------------------------------------------------------------------
# non-GX checks: pandera models and the data dictionary


def _pandera_outcome(relation: str, frame: pd.DataFrame) -> CheckOutcome:
    """Validate a core table against the contract that the document assets also use."""
    import pandera.errors as pe

    table = relation.split(".", 1)[1]
    c = CONTRACTS.get(table)
    if c is None:
        return CheckOutcome(relation, "contract", False, f"no contract for {table} in mscflow.contracts", "pandera")
    check = f"pandera:{c.model.__name__}"
    try:
        # core tables may add columns derived in SQL (joins); the contract's own columns must hold
        c.schema.validate(frame[[col for col in frame.columns if col in c.columns]], lazy=True)
        return CheckOutcome(relation, check, True, "", "pandera")
    except (pe.SchemaErrors, pe.SchemaError) as exc:
        return CheckOutcome(relation, check, False, schema_message(exc), "pandera")


RESULT_TABLES = ("outcomes", "adverse_events")
# rows whose span does not re-slice to what they state: an outcome's value as written (a change
# is signed, the text is not), an event's term and its patient count
_SPAN_MISMATCH = {
    "core.outcomes": "SELECT count(*) FROM core.outcomes AS o JOIN core.documents AS d USING (document_id) "
                     "WHERE TRY_CAST(substr(d.clean_text, o.char_start + 1, o.char_end - o.char_start) AS DOUBLE) "
                     "IS DISTINCT FROM abs(o.value)",
    "core.adverse_events": "SELECT count(*) FROM core.adverse_events AS a JOIN core.documents AS d USING (document_id) "
                           "WHERE strpos(substr(d.clean_text, a.char_start + 1, a.char_end - a.char_start), a.event_text) = 0 "
                           "OR (a.n_patients > 0 AND strpos(substr(d.clean_text, a.char_start + 1, a.char_end - a.char_start), "
                           "CAST(a.n_patients AS VARCHAR)) = 0 AND a.rule <> 'adverse_event:one_patient')",
}


def _span_outcomes(con: duckdb.DuckDBPyConnection) -> list[CheckOutcome]:
    """Every outcome and event re-slices from its span in the clean text to what it states."""
    out = []
    for relation, sql in _SPAN_MISMATCH.items():
        bad = int(con.execute(sql).fetchone()[0])
        out.append(CheckOutcome(relation, "span_reslices_to_value", bad == 0,
                                "" if bad == 0 else f"{bad} row(s) whose span does not read as their value", "sql"))
    return out


# Referential integrity: (relation, column, parent relation). Every non-null value must occur in
# the parent's column of the same name. Checked with an anti-join in DuckDB, not as a GX value
# set: GX re-serialises an expectation's whole value set on every metric lookup, so a set of
# every document or study id cost seconds per expectation at 1,000 documents.
REFERENCES: tuple[tuple[str, str, str], ...] = (
    *((f"core.{t}", "document_id", "core.documents")
      for t in ("table_rows", "studies", "study_values", "registrations", "references", *RESULT_TABLES)),
    *((f"core.{t}", "study_id", "core.studies") for t in ("study_values", *RESULT_TABLES)),
    ("marts.human_studies", "document_id", "core.documents"),
    ("marts.document_quality", "document_id", "core.documents"),
)


def reference_check(column: str, parent: str) -> str:
    """The check's name in the gate's outcomes, e.g. ``references(document_id -> core.documents)``."""
    return f"references({column} -> {parent})"


def _orphans(con: duckdb.DuckDBPyConnection, relation: str, column: str, parent: str) -> tuple[int, list[Any]]:
    """Rows of ``relation`` whose ``column`` names no row of ``parent``, and a few such values."""
    col = f'"{column}"'
    sql = (f"SELECT x.{col} FROM {quote_relation(relation)} AS x ANTI JOIN {quote_relation(parent)} AS p "
           f"ON x.{col} = p.{col} WHERE x.{col} IS NOT NULL")
    n = int(con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0])
    sample = [r[0] for r in con.execute(f"SELECT DISTINCT * FROM ({sql}) ORDER BY 1 LIMIT 3").fetchall()] if n else []
    return n, sample


def _reference_outcomes(con: duckdb.DuckDBPyConnection, relations: list[str]) -> list[CheckOutcome]:
    """Every row belongs to a document in core.documents, every value and result to a study in
    core.studies (a missing relation fails its ``relation_exists`` check instead)."""
    out = []
    for relation, column, parent in REFERENCES:
        if relation not in relations or parent not in relations:
            continue
        n, sample = _orphans(con, relation, column, parent)
        detail = "" if n == 0 else f"{n} row(s) whose {column} is not in {parent}, e.g. {sample}"
        out.append(CheckOutcome(relation, reference_check(column, parent), n == 0, detail, "sql"))
    return out


def _comment_outcome(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
    missing = uncommented(con, (LANDING, *LAYERS))
    detail = "" if not missing else f"{len(missing)} without COMMENT, e.g. {missing[:5]}"
    return CheckOutcome("warehouse", "every_table_and_column_commented", not missing, detail, "sql")


# ---------------------------------------------------------------------------------------------
# GX


def _gx_detail(result: Any) -> str:
    """Why an expectation failed, in one line."""
    cfg = result.expectation_config
    kw = {k: v for k, v in cfg.kwargs.items() if k in ("column", "column_A", "column_B", "column_list", "value")}
    res = result.result or {}
    if result.exception_info and result.exception_info.get("raised_exception"):
        return f"{cfg.type}{kw}: error {result.exception_info.get('exception_message')}"
    if "unexpected_count" in res:
        sample = res.get("partial_unexpected_list") or []
        return f"{cfg.type}{kw}: {res['unexpected_count']} unexpected, e.g. {sample[:3]}"
    return f"{cfg.type}{kw}: observed {res.get('observed_value')!r}"


def _check_name(cfg: Any) -> str:
    cols = cfg.kwargs.get("column") or cfg.kwargs.get("column_list") or [
        cfg.kwargs.get(k) for k in ("column_A", "column_B") if cfg.kwargs.get(k)
    ]
    cols = cols if isinstance(cols, list) else [cols]
    cond = _condition_text(cfg.kwargs.get("row_condition"))
    return cfg.type + (f"({','.join(map(str, cols))})" if cols else "") + (f" where {cond}" if cond else "")


def _condition_text(cond: Any) -> str:
    """A row condition as written (GX stores Condition objects as dicts)."""
    if isinstance(cond, dict) and {"column", "operator", "parameter"} <= cond.keys():
        return f"{cond['column'].get('name')} {cond['operator']} {cond['parameter']}"
    return str(cond) if cond else ""


def _validate(context: Any, gx: Any, definition: Any, frame: pd.DataFrame, run_id: Any) -> tuple[Any, Any]:
    """The suite's validation result and its key in GX's store. Validated with GX's BASIC
    result format (every check, its verdict, unexpected counts and a sample: a quarter to a
    third cheaper than SUMMARY, and the same Data Docs for a passing suite); a suite with a
    failure is validated again with SUMMARY (value counts of what was unexpected), whose result
    replaces the one the Data Docs show."""
    for fmt in ("BASIC", "SUMMARY"):
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name=f"{definition.name} ({fmt})", validation_definitions=[definition], result_format={"result_format": fmt}))
        result = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=run_id)
        if result.success:
            break
    ((key, validation),) = result.run_results.items()
    return key, validation


class _GxRun:
    """One ephemeral GX context for the gate: each relation validated as its frame is handed
    over (so only one table is in memory at a time), the Data Docs rendered at the end."""

    SITE = "local"

    def __init__(self, gx: Any, quality_dir: Path | None, run_name: str):
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx, self.quality_dir = gx, quality_dir
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        if quality_dir is not None:
            shutil.rmtree(quality_dir, ignore_errors=True)  # the docs show the latest gate only
            quality_dir.mkdir(parents=True, exist_ok=True)
            self.context.add_data_docs_site(site_name=self.SITE, site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(quality_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "show_how_to_buttons": False,
            })
        self.source = self.context.data_sources.add_pandas("warehouse")
        self.run_id = RunIdentifier(run_name=run_name)
        self.stored: dict[str, list] = {}  # relation -> [result key as a tuple, serialized result]

    def validate(self, relation: str, expectations: list[Any], frame: pd.DataFrame) -> list[CheckOutcome]:
        gx, context = self.gx, self.context
        batch = self.source.add_dataframe_asset(name=relation).add_batch_definition_whole_dataframe("all")
        suite = context.suites.add(gx.ExpectationSuite(name=relation, expectations=expectations))
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=relation, data=batch, suite=suite))
        key, validation = _validate(context, gx, definition, frame, self.run_id)
        self.stored[relation] = [list(key.to_tuple()), context.validation_results_store.serialize(validation)]
        return [CheckOutcome(relation, _check_name(r.expectation_config), bool(r.success),
                             "" if r.success else _gx_detail(r)) for r in validation.results]

    def reuse(self, relation: str, expectations: list[Any], stored: list) -> None:
        """Show an earlier validation of this relation's same rows and suite in the Data Docs
        (under the run that made it), without validating again."""
        from great_expectations.data_context.types.resource_identifiers import (
            ValidationResultIdentifier,
        )

        store = self.context.validation_results_store
        key, result = ValidationResultIdentifier.from_tuple(tuple(stored[0])), store.deserialize(stored[1])
        self.context.suites.add(self.gx.ExpectationSuite(name=relation, expectations=expectations))
        store.set(key, result)  # read back first: a result GX cannot read leaves nothing half-added
        self.stored[relation] = stored

    @property
    def index(self) -> Path | None:
        """The Data Docs' index page (None without a quality folder)."""
        return None if self.quality_dir is None else self.quality_dir / "index.html"

    def finish(self) -> Path | None:
        """Render the Data Docs (offline); their index, or None without a quality folder."""
        if self.quality_dir is None:
            return None
        self.context.build_data_docs(site_names=[self.SITE])
        make_offline(self.quality_dir)
        return self.index


def _relation_outcomes(con: duckdb.DuckDBPyConnection, relations: list[str], suites: dict[str, list[Any]],
                       gx_run: _GxRun, cache: GateCache | None = None) -> tuple[list[CheckOutcome], list[CheckOutcome]]:
    """(pandera outcomes of every core relation, in ``relations`` order; GX outcomes of every
    suite, in the suites' order). Each relation is read once, and dropped before the next is
    read: at 10,000 documents every table at once is gigabytes. A relation whose rows and suite
    the ``cache`` has already judged is not read at all."""
    pandera: dict[str, CheckOutcome] = {}
    gx_outcomes: list[CheckOutcome] = []
    core = [r for r in relations if r.startswith("core.")]
    for relation in [*(r for r in suites if r in relations), *(r for r in core if r not in suites)]:
        judged = _judge_relation(con, relation, suites.get(relation), relation in core, gx_run, cache)
        if judged.pandera is not None:
            pandera[relation] = CheckOutcome(**judged.pandera)
        gx_outcomes += [CheckOutcome(**o) for o in judged.gx]
    return [pandera[r] for r in core], gx_outcomes


def _judge_relation(con: duckdb.DuckDBPyConnection, relation: str, expectations: list[Any] | None, in_core: bool,
                    gx_run: _GxRun, cache: GateCache | None) -> Judged:
    """One relation's outcomes: those an earlier gate found for the same key, else judged now."""
    key = relation_key(con, relation, expectations) if cache is not None else ""
    known = cache.known(relation, key) if cache is not None else None
    if known is not None:
        try:
            if expectations:
                gx_run.reuse(relation, expectations, known.gx_result)
            cache.reuse(relation, known)
            return known
        except Exception:  # noqa: BLE001 - a memory GX cannot read back: judge the relation again
            log.warning("the gate's earlier result for %s could not be reused; judging it again", relation,
                        exc_info=True)
    frame = gate_frame(con, relation, expectations or [])
    pandera = vars(_pandera_outcome(relation, frame)) if in_core else None
    gx = [vars(o) for o in gx_run.validate(relation, expectations, frame)] if expectations else []
    del frame
    judged = Judged(key, pandera, gx, gx_run.stored.get(relation) if expectations else None)
    if cache is not None:
        cache.put(relation, judged)
    return judged


# ---------------------------------------------------------------------------------------------


def gated_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
        "WHERE schema_name IN ('core', 'marts') ORDER BY schema_name, table_name"
    ).fetchall()
    return [r[0] for r in rows]


def _published_figures(published: Path) -> dict[str, Any] | None:
    try:
        with connect(published, read_only=True) as con:
            return _figures(con)
    except duckdb.Error:
        return None  # no readable published file: nothing to compare with


PER_DOCUMENT = ("table_rows", "studies", "study_values", "registrations", "references")


def _figures(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Rows per document version (``name:sha256``) of each per-document core table."""
    out: dict[str, Any] = {}
    for t in PER_DOCUMENT:
        out[t] = dict(con.execute(
            f"SELECT d.source_path || ':' || d.sha256, count(x.document_id) FROM core.documents d "
            f"LEFT JOIN {quote_relation('core.' + t)} x USING (document_id) GROUP BY 1").fetchall())
    out["documents"] = {v.split(":", 1)[0] for v in out["studies"]}
    return out


def _lost_documents(before: dict, after: dict, seeds: set[str] | None, quarantined: set[str]) -> str | None:
    lost = [d for d in sorted(before["documents"] - after["documents"])
            if (seeds is None or d in seeds) and d not in quarantined]
    return f"{len(lost)} document(s) lost though their seed file is still there: {lost[:5]}" if lost else None


def _emptied_tables(before: dict, after: dict, unchanged: list[str]) -> str | None:
    emptied = [t for t in PER_DOCUMENT
               if sum(before[t][v] for v in unchanged) and not sum(after[t][v] for v in unchanged)]
    return f"table(s) emptied of the rows of unchanged documents: {emptied}" if emptied else None


def _studies_lost(before: dict, after: dict, unchanged: list[str]) -> str | None:
    had = [v for v in unchanged if before["studies"][v]]
    lost_all = [v.split(":", 1)[0] for v in had if not after["studies"][v]]
    if had and len(lost_all) * 2 > len(had):
        return f"{len(lost_all)} of {len(had)} unchanged documents lost every study: {lost_all[:5]}"
    return None


def _loss_outcomes(con: duckdb.DuckDBPyConnection, published: Path | None, seeds: set[str] | None) -> list[CheckOutcome]:
    """AACT-style post-load checks against the published file: no document lost whose seed file
    is still there (and is not quarantined), no table emptied of the rows of documents that did
    not change, no mass loss of studies in documents that did not change."""
    before = _published_figures(published) if published is not None and published.exists() else None
    if before is None:
        return [CheckOutcome("warehouse", "no_unexplained_loss", True, "nothing published yet", "sql")]
    after = _figures(con)
    quarantined = {r[0] for r in con.execute("SELECT source_path FROM core.quarantine").fetchall()}
    unchanged = [v for v in before["studies"] if v in after["studies"]]
    problems = [p for p in (_lost_documents(before, after, seeds, quarantined),
                            _emptied_tables(before, after, unchanged),
                            _studies_lost(before, after, unchanged)) if p]
    return [CheckOutcome("warehouse", "no_unexplained_loss", not problems, "; ".join(problems), "sql")]


def import_gx() -> tuple[Any, Any]:
    """Great Expectations and its expectations module, with its usage analytics off."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx, gxe


def warm_gx() -> None:
    """One tiny suite validated and rendered in a throw-away context: what a standby process
    (``mscflow.standby.GATE``) does early, because GX imports most of its machinery on first
    use, not on import (about a second after its 3-5 s import); and the contracts' pandera
    schemas, built on first use too."""
    import tempfile

    gx, gxe = import_gx()
    for contract in CONTRACTS.values():
        contract.schema  # noqa: B018 - built (and cached) on first access
    with tempfile.TemporaryDirectory(prefix="mscflow-gx-warm-") as folder:
        run = _GxRun(gx, Path(folder), run_name="warm-up")
        run.validate("warm.up", [gxe.ExpectColumnValuesToNotBeNull(column="x"),
                                 gxe.ExpectColumnValuesToBeInSet(column="x", value_set=[1]),
                                 gxe.ExpectColumnValuesToBeUnique(column="x")], pd.DataFrame({"x": [1]}))
        run.finish()


def run_gate(build_file: Path, quality_dir: Path | None = None, published: Path | None = None,
             seeds: set[str] | None = None) -> GateReport:
    """Run every check on the build file (opened read-only) and render Data Docs; with
    ``published`` (and the names of the current ``seeds``), also compare with what analysts see.

    Returns the report and writes its verdict (``gate.json``), which ``publish.publish_if_gated``
    requires before it publishes. ``gate_then_docs`` done in this process, docs included."""
    done = gate_then_docs(build_file, quality_dir, published, seeds)
    done.then()
    return done.value


def gate_then_docs(build_file: Path, quality_dir: Path | None = None, published: Path | None = None,
                   seeds: set[str] | None = None) -> Then:
    """``run_gate`` with its Data Docs rendered after the verdict is answered: in a standby
    process (``mscflow.standby.GATE``) the publish goes on while the docs are written."""
    report, gx_run = _verdict(build_file, quality_dir, published, seeds)
    return Then(report, gx_run.finish)


def _verdict(build_file: Path, quality_dir: Path | None, published: Path | None,
             seeds: set[str] | None) -> tuple[GateReport, _GxRun]:
    """Every check's outcome, the verdict written to ``gate.json``; the Data Docs not yet rendered."""
    gx, gxe = import_gx()
    sha = file_sha256(build_file)
    gx_run = _GxRun(gx, quality_dir, run_name=f"quality gate of build {sha[:12]}")
    with connect(build_file, read_only=True) as con:
        relations = gated_relations(con)
        suites = _suites(gxe, con)
        outcomes = [CheckOutcome(r, "relation_exists", False, "missing from the build file", "sql")
                    for r in suites if r not in relations]
        outcomes.append(_comment_outcome(con))
        outcomes += _span_outcomes(con)
        outcomes += _reference_outcomes(con, relations)
        cache = GateCache.load(cache_file(quality_dir)) if quality_dir is not None else None
        pandera, gx_outcomes = _relation_outcomes(con, relations, suites, gx_run, cache)
        outcomes += pandera
        outcomes += _loss_outcomes(con, published, seeds)
    report = GateReport(outcomes=outcomes + gx_outcomes, data_docs_index=gx_run.index, build_file=build_file,
                        build_sha256=sha, reused=list(cache.reused) if cache is not None else [])
    if quality_dir is not None:
        (quality_dir / GATE_FILE).write_text(json.dumps(report.as_dict(), indent=1, ensure_ascii=False),
                                               encoding="utf-8")
        cache.save()
    return report, gx_run
