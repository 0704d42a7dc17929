"""Resources: project settings and the per-document Parquet stage IO manager."""


from pathlib import Path

import dagster as dg
import pandas as pd

from mscflow import stage
from mscflow.settings import Settings, load_settings

# asset name -> stage table (the warehouse landing reads these folders)
STAGE_TABLE = {
    "raw_documents": "raw_documents",
    "clean_documents": "documents",
    "quarantine": "quarantine",
    "document_tables": "table_rows",
    "studies": "studies",
    "registrations": "registrations",
    "references": "references",
}


class MscflowConfig(dg.ConfigurableResource):
    """Where seeds are read and the warehouse is written; defaults come from the environment
    (MSCFLOW_SEEDS, MSCFLOW_WAREHOUSE) so the UI, the CLI and tests agree."""

    seeds_dir: str = ""
    warehouse_path: str = ""
    max_file_bytes: int = 0
    opencc_config: str = ""

    def settings(self) -> Settings:
        base = load_settings()
        return Settings(
            seeds_dir=Path(self.seeds_dir).resolve() if self.seeds_dir else base.seeds_dir,
            warehouse_path=Path(self.warehouse_path).resolve() if self.warehouse_path else base.warehouse_path,
            max_file_bytes=self.max_file_bytes or base.max_file_bytes,
            opencc_config=self.opencc_config or base.opencc_config,
        )


class StageIOManager(dg.ConfigurableIOManager):
    """Stores each partition's DataFrame as ``<stage>/<table>/<key>.parquet``.

    Assets return ``{partition_key: DataFrame}`` so one run can process many documents
    (single-run backfills); inputs load the same way."""

    mscflow: MscflowConfig

    def _table(self, context: dg.OutputContext | dg.InputContext) -> str:
        name = context.asset_key.path[-1]
        return STAGE_TABLE.get(name, name)

    def handle_output(self, context: dg.OutputContext, obj: dict[str, pd.DataFrame]) -> None:
        stage_dir = self.mscflow.settings().stage_dir
        for key, frame in obj.items():
            stage.write_frame(stage_dir, self._table(context), key, frame)

    def load_input(self, context: dg.InputContext) -> dict[str, pd.DataFrame]:
        stage_dir = self.mscflow.settings().stage_dir
        keys = context.asset_partition_keys if context.has_asset_partitions else []
        return {k: stage.read_frame(stage_dir, self._table(context), k) for k in keys}


@dg.definitions
def resources() -> dg.Definitions:
    config = MscflowConfig()
    return dg.Definitions(
        resources={"mscflow": config, "stage_io_manager": StageIOManager(mscflow=config)}
    )
