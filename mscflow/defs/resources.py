"""Resources: the project settings and the document store's IO manager."""

from pathlib import Path

import dagster as dg
import pandas as pd

from mscflow import store
from mscflow.settings import Settings, load_settings


class MscflowConfig(dg.ConfigurableResource):
    """Where seeds are read and the warehouse is written. The values come from
    ``mscflow.settings`` (the environment, read in that one place) when the definitions load,
    so the UI, the CLI and tests agree; the UI shows them as this resource's config."""

    seeds_dir: str
    warehouse_path: str
    max_file_bytes: int = 5 * 1024 * 1024
    opencc_config: str = "t2s"
    workers: int = 1
    dask_scheduler: str = ""
    partition_metadata_max: int = 20

    @classmethod
    def from_settings(cls, settings: Settings) -> "MscflowConfig":
        return cls(seeds_dir=str(settings.seeds_dir), warehouse_path=str(settings.warehouse_path),
                   max_file_bytes=settings.max_file_bytes, opencc_config=settings.opencc_config,
                   workers=settings.workers, dask_scheduler=settings.dask_scheduler,
                   partition_metadata_max=settings.partition_metadata_max)

    def settings(self) -> Settings:
        base = load_settings()
        return Settings(
            seeds_dir=Path(self.seeds_dir).resolve(),
            warehouse_path=Path(self.warehouse_path).resolve(),
            max_file_bytes=self.max_file_bytes,
            opencc_config=self.opencc_config,
            document_timeout=base.document_timeout,
            seed_links=base.seed_links,
            sensor_interval=base.sensor_interval,
            automation_interval=base.automation_interval,
            rebuild_cron=base.rebuild_cron,
            log_level=base.log_level,
            files_url=base.files_url,
            workers=self.workers,
            dask_scheduler=self.dask_scheduler,
            partition_metadata_max=self.partition_metadata_max,
        )


class StoreIOManager(dg.ConfigurableIOManager):
    """Stores each partition's DataFrame as ``<store>/<asset name>/<key>.parquet``: the asset's
    name is its table's name (``mscflow.contracts``), so the store folder is too.

    Assets return ``{partition_key: DataFrame}`` so one run can process many documents
    (single-run backfills), or a ``StoredFrames`` when their pool workers already wrote the
    frames where they were made (``mscflow.clean.stored``, ``mscflow.extract.stored``). Inputs
    load as a ``StoredFrames``: read on access, so a batch handed to the pool is never read by
    the main process."""

    mscflow: MscflowConfig

    def handle_output(self, context: dg.OutputContext, obj: dict[str, pd.DataFrame] | store.StoredFrames) -> None:
        store_dir, table = self.mscflow.settings().store_dir, context.asset_key.path[-1]
        if not isinstance(obj, store.StoredFrames):
            store.write_frames(store_dir, table, obj)
        elif (obj.store_dir.resolve(), obj.table) != (store_dir.resolve(), table):
            raise dg.DagsterInvariantViolationError(
                f"{table}: the output was stored as {obj.table} in {obj.store_dir}, not in this store ({store_dir})")

    def load_input(self, context: dg.InputContext) -> store.StoredFrames:
        keys = context.asset_partition_keys if context.has_asset_partitions else []
        return store.StoredFrames(self.mscflow.settings().store_dir, context.asset_key.path[-1], tuple(keys))


@dg.definitions
def resources() -> dg.Definitions:
    config = MscflowConfig.from_settings(load_settings())
    return dg.Definitions(resources={"mscflow": config, "store_io_manager": StoreIOManager(mscflow=config)})
