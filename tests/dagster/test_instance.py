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
