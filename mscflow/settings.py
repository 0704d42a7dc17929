"""Every setting of mscflow, read from the environment in this one module.

``MSCFLOW_SEEDS`` and ``MSCFLOW_WAREHOUSE`` are the contract names (DESIGN.md); the data
folders are derived from the warehouse location so a temporary copy of the project is
self-contained. The Dagster layer receives these values as resource fields
(``mscflow.defs.resources``); nothing else reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .pool import PoolConfig

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"
SQL_DIR = PROJECT_ROOT / "sql"
GOLD_DIR = ASSETS_DIR / "gold"

# name -> (default, meaning); the README's settings table is generated from this
ENVIRONMENT: dict[str, tuple[str, str]] = {
    "MSCFLOW_SEEDS": (str(PROJECT_ROOT / "seeds"), "folder of seed articles (watched by the sensor)"),
    "MSCFLOW_WAREHOUSE": (str(PROJECT_ROOT / "data" / "mscflow.duckdb"),
                          "published warehouse file; the store, build files and Data Docs live beside it"),
    "MSCFLOW_MAX_FILE_BYTES": (str(5 * 1024 * 1024), "larger seed files are quarantined as too_large"),
    "MSCFLOW_DOCUMENT_TIMEOUT": ("60", "seconds one document may take to clean, and again to extract; "
                                 "a document over it is quarantined as timeout (0: no limit)"),
    "MSCFLOW_SEED_LINKS": ("inside", "symlinks in the seeds folder: `inside` reads those that stay in the folder, "
                           "`never` skips every link (link_not_followed)"),
    "MSCFLOW_OPENCC_CONFIG": ("t2s", "OpenCC conversion to simplified Chinese"),
    "MSCFLOW_VOCAB_DIR": (str(ASSETS_DIR / "vocab"), "controlled vocabularies (YAML)"),
    "MSCFLOW_SENSOR_INTERVAL": ("5", "seconds between seed-folder sensor ticks"),
    "MSCFLOW_AUTOMATION_INTERVAL": ("5", "seconds between checks for finished document runs (the warehouse follows them)"),
    "MSCFLOW_REBUILD_CRON": ("0 3 * * *", "cron of the daily full rebuild"),
    "MSCFLOW_LOG_LEVEL": ("WARNING", "Dagster console log level of CLI runs"),
    "MSCFLOW_WORKERS": ("0", "processes that clean and extract a batch of documents; 0: one per core, 1: in the run's own process"),
    "MSCFLOW_DASK_SCHEDULER": ("", "address of a Dask scheduler (tcp://host:8786) that cleans and extracts batches instead of local processes; empty: local"),
    "MSCFLOW_PARTITION_METADATA_MAX": ("20", "runs of up to this many documents give each partition its own metadata (row counts, preview); larger runs put it on the run"),
    "MSCFLOW_DAGSTER_SQLITE_SYNC": ("off", "off: the embedded Dagster instance's SQLite files commit without an fsync per event (see mscflow/defs/instance.py); full: SQLite's default"),
    "MSCFLOW_FILES_URL": ("", "base URL under which the data folder is served (`make dev` serves it); empty: file:// links in the UI"),
    "MSCFLOW_PORT": ("3000", "port of the Dagster UI started by `make dev` (the data folder is served on the next port)"),
    "DAGSTER_HOME": (str(PROJECT_ROOT / ".dagster"), "Dagster instance shared by the CLI and `make dev`"),
}


def env(name: str, environ: Mapping[str, str] | None = None) -> str:
    """The value of one setting: the environment's, else its default."""
    source = os.environ if environ is None else environ
    return source.get(name) or ENVIRONMENT[name][0]


@dataclass(frozen=True)
class Settings:
    seeds_dir: Path
    warehouse_path: Path
    max_file_bytes: int = 5 * 1024 * 1024
    document_timeout: float = 60.0
    seed_links: str = "inside"
    opencc_config: str = "t2s"
    sensor_interval: int = 5
    automation_interval: int = 5
    rebuild_cron: str = "0 3 * * *"
    log_level: str = "WARNING"
    files_url: str = ""
    workers: int = 1
    dask_scheduler: str = ""
    partition_metadata_max: int = 20
    dagster_sqlite_sync: str = "off"

    def pool(self) -> PoolConfig:
        """Where a batch's per-document work runs (``mscflow.pool``)."""
        return PoolConfig(workers=self.workers, scheduler=self.dask_scheduler)

    def url_of(self, path: Path) -> str:
        """A link to a file of the data folder: under ``files_url`` when the folder is served,
        else a file:// URL."""
        path = Path(path).resolve()
        if self.files_url:
            try:
                return self.files_url.rstrip("/") + "/" + path.relative_to(self.data_dir.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_uri()

    @property
    def data_dir(self) -> Path:
        """Everything the pipeline writes lives beside the published warehouse file."""
        return self.warehouse_path.parent

    @property
    def store_dir(self) -> Path:
        """The document store: per-document (per-partition) Parquet outputs of the document assets."""
        return self.data_dir / "store"

    @property
    def build_dir(self) -> Path:
        """Working DuckDB files; same filesystem as the published file so rename is atomic."""
        return self.data_dir / "build"

    @property
    def quality_dir(self) -> Path:
        """Great Expectations Data Docs."""
        return self.data_dir / "quality"

    @property
    def report_path(self) -> Path:
        """The evidence report: one self-contained HTML page (and its preview PNG beside it)."""
        return self.data_dir / "report" / "evidence_report.html"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (or the mapping given), defaults for what is unset."""

    def get(name: str) -> str:
        return env(name, environ)

    return Settings(
        seeds_dir=Path(get("MSCFLOW_SEEDS")).resolve(),
        warehouse_path=Path(get("MSCFLOW_WAREHOUSE")).resolve(),
        max_file_bytes=int(get("MSCFLOW_MAX_FILE_BYTES")),
        document_timeout=float(get("MSCFLOW_DOCUMENT_TIMEOUT")),
        seed_links=_choice("MSCFLOW_SEED_LINKS", get("MSCFLOW_SEED_LINKS"), ("inside", "never")),
        opencc_config=get("MSCFLOW_OPENCC_CONFIG"),
        sensor_interval=int(get("MSCFLOW_SENSOR_INTERVAL")),
        automation_interval=int(get("MSCFLOW_AUTOMATION_INTERVAL")),
        rebuild_cron=get("MSCFLOW_REBUILD_CRON"),
        log_level=get("MSCFLOW_LOG_LEVEL"),
        files_url=get("MSCFLOW_FILES_URL"),
        workers=int(get("MSCFLOW_WORKERS")) or cores(),
        dask_scheduler=get("MSCFLOW_DASK_SCHEDULER"),
        partition_metadata_max=int(get("MSCFLOW_PARTITION_METADATA_MAX")),
        dagster_sqlite_sync=get("MSCFLOW_DAGSTER_SQLITE_SYNC").lower(),
    )


def cores() -> int:
    """The processors this process may run on (a container's share, not the host's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# Dagster's own switches, set for every process that loads the code location or runs the CLI:
# a run over a range of partitions records one "materialization planned" event per asset
# instead of one per partition (7,000 SQLite commits before the first step at 1,000 documents),
# and a step's per-partition materializations reach the event log in batches of up to 500
# (``defs.instance.KeptConnectionEventLogStorage.store_event_batch``).
DAGSTER_ENVIRONMENT = {"DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "true", "DAGSTER_EVENT_BATCH_SIZE": "500"}


def apply_dagster_environment() -> None:
    for name, value in DAGSTER_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


def child_environment(**overrides: str) -> dict[str, str]:
    """The environment for a child process (the bench's CLI runs): this one's, with overrides."""
    return {**os.environ, **overrides}


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name}={value!r}: expected one of {', '.join(allowed)}")
    return value


def vocab_dir() -> Path:
    return Path(env("MSCFLOW_VOCAB_DIR"))


def dagster_home() -> Path:
    """DAGSTER_HOME, defaulting to ``.dagster/`` in the project (shared with ``make dev``)."""
    return Path(env("DAGSTER_HOME")).resolve()
