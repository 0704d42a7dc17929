"""Project settings, read from the environment so the CLI, the Dagster UI and tests agree.

``MSCFLOW_SEEDS`` and ``MSCFLOW_WAREHOUSE`` are the contract names (DESIGN.md); the rest are
derived from the warehouse location so a temporary copy of the project is self-contained.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"
SQL_DIR = PROJECT_ROOT / "sql"


@dataclass(frozen=True)
class Settings:
    seeds_dir: Path
    warehouse_path: Path
    max_file_bytes: int = 5 * 1024 * 1024
    opencc_config: str = "t2s"

    @property
    def data_dir(self) -> Path:
        """Everything the pipeline writes lives beside the published warehouse file."""
        return self.warehouse_path.parent

    @property
    def stage_dir(self) -> Path:
        """Per-document (per-partition) Parquet outputs of the document assets."""
        return self.data_dir / "stage"

    @property
    def build_dir(self) -> Path:
        """Working DuckDB files; same filesystem as the published file so rename is atomic."""
        return self.data_dir / "build"

    @property
    def quality_dir(self) -> Path:
        """Great Expectations Data Docs."""
        return self.data_dir / "quality"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    seeds = Path(env.get("MSCFLOW_SEEDS", PROJECT_ROOT / "seeds"))
    warehouse = Path(env.get("MSCFLOW_WAREHOUSE", PROJECT_ROOT / "data" / "mscflow.duckdb"))
    return Settings(
        seeds_dir=seeds.resolve(),
        warehouse_path=warehouse.resolve(),
        max_file_bytes=int(env.get("MSCFLOW_MAX_FILE_BYTES", 5 * 1024 * 1024)),
        opencc_config=env.get("MSCFLOW_OPENCC_CONFIG", "t2s"),
    )
