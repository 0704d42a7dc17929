"""Warehouse stage in Dagster: land the stage, one asset per SQL model, the gate, publish.

Thin on purpose: every step is a call into ``mscflow.warehouse``. Model assets are generated
from ``sql/`` (dependencies read from the SQL), so adding a model file adds an asset. Every
writer of the build file shares the ``duckdb_build`` pool (DuckDB allows one writer per file);
the gate checks the BUILD file and blocks ``published_warehouse``, which publishes atomically.
"""

import base64
import inspect
from pathlib import Path

import dagster as dg

from mscflow import standby
from mscflow.contracts import WAREHOUSE_TABLES
from mscflow.ingest import list_seeds
from mscflow.warehouse.build import (
    build_path,
    connect,
    land_build_file,
    published_counts,
    run_model,
)
from mscflow.warehouse.models import LANDING, Model, discover_models, staging_sql
from mscflow.warehouse.publish import copy_ahead, discard_ahead, publish_if_gated

from .metadata import OWNERS
from .resources import MscflowConfig

POOL = "duckdb_build"
KINDS = {"duckdb", "sql"}
LANDING_KEY = dg.AssetKey("warehouse_landing")
# the document assets whose stored Parquet the landing reads: one per warehouse table
STORE_ASSETS = list(WAREHOUSE_TABLES)
MODELS = discover_models()


def code_references(*refs: tuple[Path | str, int, str]) -> dict:
    """``dagster/code_references``: the UI's links to the Python and SQL behind an asset."""
    return {"dagster/code_references": dg.CodeReferencesMetadataValue(code_references=[
        dg.LocalFileCodeReference(file_path=str(path), line_number=line, label=label) for path, line, label in refs])}


def _line(fn) -> int:
    return inspect.getsourcelines(fn)[1]


REPORT_SOURCE = Path(__file__).resolve().parents[1] / "report" / "evidence.py"  # imported when it runs (matplotlib)


def _line_of(path: Path, text: str) -> int:
    return next((i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(text)), 1)


def model_key(relation: str) -> dg.AssetKey:
    """``core.studies`` -> AssetKey(["core", "studies"]); landing tables -> the landing asset."""
    schema, name = relation.split(".", 1)
    return LANDING_KEY if schema == LANDING else dg.AssetKey([schema, name])


def relation_metadata(path: Path, relation: str, rows: int, con=None) -> dict:
    """Column schema with the warehouse's own comments, row count and where the table lives
    (read through ``con`` when given, else from the file opened read-only)."""
    schema, name = relation.split(".", 1)
    query = ("SELECT column_name, data_type, comment FROM duckdb_columns() "
             "WHERE schema_name = ? AND table_name = ? ORDER BY column_index")
    if con is None:
        with connect(path, read_only=True) as own:
            cols = own.execute(query, [schema, name]).fetchall()
    else:
        cols = con.execute(query, [schema, name]).fetchall()
    return {
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(c, t, description=m or "") for c, t, m in cols]),
        "dagster/row_count": rows,  # the whole table (a model is rebuilt whole)
        "dagster/relation_identifier": f"{path.stem}.{relation}",
        "build_file": dg.MetadataValue.path(str(path)),
    }


@dg.asset(
    key=LANDING_KEY,
    deps=STORE_ASSETS,
    group_name="warehouse",
    kinds={"duckdb", "parquet"},
    owners=OWNERS,
    pool=POOL,
    description="The build file holding every stored table (all current documents' Parquet "
    "files) as landing.<table>. Starts each warehouse build: a refresh replaces only the rows "
    "of the store files that changed in the kept build file; a build lands every file afresh.",
)
def warehouse_landing(context: dg.AssetExecutionContext, mscflow: MscflowConfig) -> dg.MaterializeResult:
    settings = mscflow.settings()
    # the gate imports Great Expectations in a standby process meanwhile (CLI runs)
    standby.prepare(*standby.WAREHOUSE_JOBS)
    path = build_path(settings)
    landed = land_build_file(path, settings.store_dir)
    counts = landed.counts
    context.log.info(f"landed {counts} into {path} ({'incremental' if landed.incremental else 'full'}, "
                     f"{landed.files_changed} store file(s) read)")
    return dg.MaterializeResult(metadata={
        "build_file": dg.MetadataValue.path(str(path)),
        "incremental": landed.incremental,
        "store_files_read": landed.files_changed,
        "dagster/row_count": sum(counts.values()),
        "rows_per_table": dg.MetadataValue.json(counts),
    })


def model_spec(model: Model) -> dg.AssetSpec:
    """One asset per SQL model (its key, the deps its SQL reads, its header as description)."""
    return dg.AssetSpec(
        key=model_key(model.relation),
        deps=sorted({model_key(d) for d in model.deps}, key=lambda k: k.to_user_string()),
        group_name=f"warehouse_{model.layer}",
        kinds=KINDS,
        owners=OWNERS,
        description=model.description,
        metadata={"sql": dg.MetadataValue.md(f"```sql\n{model.sql.strip()}\n```"),
                  "sql_file": dg.MetadataValue.path(str(model.path or "generated from mscflow/contracts")),
                  **code_references(*([(model.path, 1, "SQL model")] if model.path else
                                      [(Path(inspect.getsourcefile(staging_sql)), _line(staging_sql),
                                        "staging SQL, generated from the contract")]))},
    )


MODEL_BY_KEY = {model_key(m.relation): m for m in MODELS}


# Every SQL model is its own asset, and they are built in one step (DuckDB runs each in
# milliseconds; a step per model cost more than the work). A subset can be materialized alone.
@dg.multi_asset(specs=[model_spec(m) for m in MODELS], can_subset=True, pool=POOL, name="warehouse_models")
def warehouse_models(context: dg.AssetExecutionContext, mscflow: MscflowConfig):
    """Create each selected model's view or table and its comments in the build file, in
    dependency order; each model's materialization carries its column schema and row count."""
    path = build_path(mscflow.settings())
    if not path.exists():
        raise dg.Failure(f"no build file at {path}: materialize warehouse_landing first")
    selected = [m for m in MODELS if model_key(m.relation) in context.selected_asset_keys]
    with connect(path) as con:
        built = [(model, run_model(con, model)) for model in selected]  # MODELS is in dependency order
        results = [dg.MaterializeResult(asset_key=model_key(m.relation), metadata=relation_metadata(path, m.relation, n, con))
                   for m, n in built]
    yield from results


model_assets = [warehouse_models]
GATED = [m for m in MODELS if m.layer in ("core", "marts")]
GATE_CHECK = "quality_gate"


# One gate run covers every table (one GX import, one Data Docs site). It runs after the
# warehouse_models step, which builds core and marts together, and every spec is blocking: a
# failed suite on any core table or mart stops everything downstream in the run, the publish
# and the report included (and the step fails, so the CLI says "not published").
def _gate_spec(m: Model) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        GATE_CHECK, asset=model_key(m.relation), blocking=True,
        description="pandera + Great Expectations suite of this table in the build file. Blocking: when "
        "it fails, published_warehouse and evidence_report do not run and the published file stays as it was.",
        metadata={"stops_publish": True, "runs_after": "every core table and mart (one gate run)"})


@dg.multi_asset_check(
    specs=[_gate_spec(m) for m in GATED],
    pool=POOL,
    description="The quality gate on the build file: every core and mart table's suite "
    "(unique ids, not-null keys, vocabulary codes, ranges, referential integrity, row-count "
    "reconciliation, a study per trial-table document, comments). Blocks the publish.",
)
def warehouse_quality_gate(context: dg.AssetCheckExecutionContext, mscflow: MscflowConfig):
    settings = mscflow.settings()
    seeds = set(list_seeds(settings.seeds_dir, settings.seed_links).names) if settings.seeds_dir.is_dir() else None
    build_file = build_path(settings)
    # while a standby judges the build file, this process writes its analysts' copy (the publish
    # then renames it); a gate judged in this process leaves the copy to the publish step
    with copy_ahead(build_file, settings.warehouse_path, enabled=standby.prepared(standby.GATE)):
        report = standby.run(standby.GATE, build_file, settings.quality_dir,
                             published=settings.warehouse_path, seeds=seeds)
    if not report.passed:
        discard_ahead(settings.warehouse_path)
    context.log.info(report.summary())
    docs = settings.url_of(report.data_docs_index) if report.data_docs_index else ""
    for m in GATED:
        outcomes = report.for_relation(m.relation)
        failed = [o for o in outcomes if not o.passed]
        yield dg.AssetCheckResult(
            asset_key=model_key(m.relation),
            check_name=GATE_CHECK,
            passed=not failed,
            metadata={
                "checks_run": len(outcomes),
                "failures": dg.MetadataValue.md(
                    "\n".join(f"- **{o.check}**: {o.detail}" for o in failed) or "none"),
                "data_docs": dg.MetadataValue.url(docs),
            },
        )
    if not report.passed:  # fail the run too, so the CLI and the UI say the build did not publish
        # a failed suite is a verdict on the data, not a flaky step: never retried (refresh_job
        # retries its document steps)
        raise dg.Failure(description=report.summary(), metadata={"data_docs": dg.MetadataValue.url(docs)},
                         allow_retries=False)


@dg.asset(
    deps=[model_key(m.relation) for m in MODELS],
    group_name="warehouse",
    kinds={"duckdb"},
    owners=OWNERS,
    pool=POOL,
    description="The analysts' warehouse (data/mscflow.duckdb): the gated build file, published "
    "with an atomic rename. Open readers keep working; new readers see the new data.",
)
def published_warehouse(context: dg.AssetExecutionContext, mscflow: MscflowConfig) -> dg.MaterializeResult:
    settings = mscflow.settings()
    path = publish_if_gated(build_path(settings), settings.warehouse_path, settings.quality_dir)
    counts = published_counts(path)
    index = settings.quality_dir / "index.html"
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "rows": dg.MetadataValue.json(counts),
        "studies": counts.get("core.studies", 0),
        "data_docs": dg.MetadataValue.url(settings.url_of(index)),
    })


@dg.asset(
    deps=[published_warehouse],
    group_name="warehouse",
    kinds={"html", "matplotlib"},
    owners=OWNERS,
    description="The evidence report: one self-contained HTML page (charts as inline SVG, no network) "
    "drawn from the published warehouse's marts: studies and patients by disease and cell source, "
    "doses by route, evidence over time, registry status by condition, field completeness, "
    "document quality; each chart with its numbers and links to the studies behind them. A chart "
    "whose numbers did not change since the last report is reused, not redrawn.",
    metadata=code_references((REPORT_SOURCE, _line_of(REPORT_SOURCE, "def write_report"), "report renderer")),
)
def evidence_report(context: dg.AssetExecutionContext, mscflow: MscflowConfig) -> dg.MaterializeResult:
    from mscflow.report import write_report

    settings = mscflow.settings()
    result = write_report(settings.warehouse_path, settings.report_path)
    preview = base64.b64encode(result.preview_png).decode("ascii")
    return dg.MaterializeResult(metadata={
        "report": dg.MetadataValue.url(settings.url_of(result.path)),
        "path": dg.MetadataValue.path(str(result.path)),
        "charts": result.charts,
        # a chart whose numbers did not change is reused, not redrawn (mscflow/report/drawn.py)
        "charts_redrawn": result.charts_drawn,
        "charts_unchanged": result.charts_reused,
        "studies": result.studies,
        "preview": dg.MetadataValue.md(f"![studies by disease](data:image/png;base64,{preview})"),
    })


@dg.definitions
def warehouse() -> dg.Definitions:
    return dg.Definitions(
        assets=dg.with_source_code_references([warehouse_landing, *model_assets, published_warehouse,
                                               evidence_report]),
        asset_checks=[warehouse_quality_gate],
    )
