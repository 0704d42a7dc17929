"""The embedded instance: the dagster.yaml mscflow writes, and its event log that keeps SQLite
connections open, used by real materializations and read back by Dagster's own class."""

import shutil

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from mscflow.cli.runner import _FIRST_CONFIG, ensure_dagster_home
from mscflow.defs.instance import KeptConnectionEventLogStorage

keys = dg.StaticPartitionsDefinition([f"doc{i}" for i in range(3)])


@dg.asset(partitions_def=keys)
def tiny(context: dg.AssetExecutionContext) -> int:
    return len(context.partition_key)


def test_first_use_writes_the_kept_connection_event_log(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    ensure_dagster_home()
    with dg.DagsterInstance.get() as instance:
        assert type(instance.event_log_storage) is KeptConnectionEventLogStorage
        assert instance.event_log_storage._base_dir == str(home / "history" / "runs")


def test_a_copied_home_writes_its_events_to_itself(tmp_path, monkeypatch):
    """The file names no path, so a project copied or moved with its home does not go on
    writing (and claiming pool slots) in the home it was copied from."""
    original, copy = tmp_path / "original", tmp_path / "copy"
    monkeypatch.setenv("DAGSTER_HOME", str(original))
    ensure_dagster_home()
    assert str(tmp_path) not in (original / "dagster.yaml").read_text(encoding="utf-8")
    shutil.copytree(original, copy)
    monkeypatch.setenv("DAGSTER_HOME", str(copy))
    with dg.DagsterInstance.get() as instance:
        assert instance.event_log_storage._base_dir == str(copy / "history" / "runs")
        assert dg.materialize([tiny], instance=instance, partition_key="doc0").success
    assert list((copy / "history" / "runs").glob("*.db"))
    assert not (original / "history").exists()


def test_a_config_an_earlier_version_wrote_is_upgraded_and_a_users_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    second = (_FIRST_CONFIG + "event_log_storage:\n  module: mscflow.defs.instance\n  class: KeptConnectionEventLogStorage\n"
              '  config:\n    base_dir: "/elsewhere/history/runs"\n')
    for earlier in (_FIRST_CONFIG, second):
        (tmp_path / "dagster.yaml").write_text(earlier, encoding="utf-8")
        ensure_dagster_home()
        text = (tmp_path / "dagster.yaml").read_text(encoding="utf-8")
        assert "KeptConnectionEventLogStorage" in text and "base_dir" not in text
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    ensure_dagster_home()
    assert (tmp_path / "dagster.yaml").read_text(encoding="utf-8") == "telemetry:\n  enabled: false\n"


def test_events_it_stores_are_read_by_dagsters_own_class(tmp_path):
    runs_dir = tmp_path / "history" / "runs"
    overrides = {"event_log_storage": {"module": "mscflow.defs.instance", "class": "KeptConnectionEventLogStorage",
                                       "config": {"base_dir": str(runs_dir)}}}
    with dg.instance_for_test(overrides=overrides, temp_dir=str(tmp_path)) as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, KeptConnectionEventLogStorage)
        for run in range(KeptConnectionEventLogStorage.OPEN_RUN_SHARDS + 3):  # more runs than shards kept open
            key = keys.get_partition_keys()[run % 3]
            assert dg.materialize([tiny], instance=instance, partition_key=key).success
        assert len(storage._engines) <= KeptConnectionEventLogStorage.OPEN_RUN_SHARDS + 1
        ours = instance.fetch_materializations(dg.AssetKey("tiny"), limit=100).records
    stock = SqliteEventLogStorage(str(runs_dir))
    theirs = stock.fetch_materializations(dg.AssetKey("tiny"), limit=100).records
    assert len(ours) == len(theirs) == KeptConnectionEventLogStorage.OPEN_RUN_SHARDS + 3
    assert {r.partition_key for r in theirs} == set(keys.get_partition_keys())
    stock.dispose()


class _Nowhere(dg.IOManager):
    def handle_output(self, context, obj) -> None:
        pass

    def load_input(self, context) -> None:
        return None


many = dg.StaticPartitionsDefinition([f"doc{i}" for i in range(5)])


@dg.asset(partitions_def=many, backfill_policy=dg.BackfillPolicy.single_run(), io_manager_key="nowhere")
def batch(context: dg.AssetExecutionContext) -> dict:
    return {key: len(key) for key in context.partition_keys}


_STORE_BATCH = KeptConnectionEventLogStorage.store_event_batch


def _range_run(tmp_path, monkeypatch, batch_size: str) -> tuple[list, str | None, set[str], list]:
    """One run over every partition: its materializations (as Dagster's own class reads them),
    the asset's latest one, the partitions Dagster calls materialized, and the batches stored."""
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", batch_size)
    batches = []
    monkeypatch.setattr(KeptConnectionEventLogStorage, "store_event_batch",
                        lambda self, events: (batches.append([e.dagster_event_type.value for e in events]), _STORE_BATCH(self, events))[1])
    tmp_path.mkdir()
    runs_dir = tmp_path / "history" / "runs"
    overrides = {"event_log_storage": {"module": "mscflow.defs.instance", "class": "KeptConnectionEventLogStorage",
                                       "config": {"base_dir": str(runs_dir)}}}
    with dg.instance_for_test(overrides=overrides, temp_dir=str(tmp_path)) as instance:
        tags = {"dagster/asset_partition_range_start": "doc0", "dagster/asset_partition_range_end": "doc4"}
        assert dg.materialize([batch], instance=instance, tags=tags, resources={"nowhere": _Nowhere()}).success
    stock = SqliteEventLogStorage(str(runs_dir))
    try:
        records = stock.fetch_materializations(dg.AssetKey("batch"), limit=100, ascending=True).records
        latest = stock.get_latest_materialization_events([dg.AssetKey("batch")])[dg.AssetKey("batch")]
        done = stock.get_materialized_partitions(dg.AssetKey("batch"))
        return [r.partition_key for r in records], latest and latest.dagster_event.partition, done, batches
    finally:
        stock.dispose()


def test_a_batch_of_partition_materializations_is_stored_as_event_by_event(tmp_path, monkeypatch):
    """Batches of 2 (so the last event is stored alone) store what Dagster's one-event path stores:
    every partition's materialization in the same order, the latest one, the partitions' status."""
    one_by_one = _range_run(tmp_path / "single", monkeypatch, "0")
    batched = _range_run(tmp_path / "batched", monkeypatch, "2")
    assert one_by_one[3] == []
    assert [b for b in batched[3] if b[0] == "ASSET_MATERIALIZATION"] == [["ASSET_MATERIALIZATION"] * 2] * 2
    assert batched[:3] == one_by_one[:3]
    assert sorted(batched[0]) == [f"doc{i}" for i in range(5)] and batched[1] == batched[0][-1]
    assert batched[2] == set(many.get_partition_keys())
