"""The seed sensor on a real temporary seeds folder and a real (ephemeral) Dagster instance."""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest

from mscflow import store
from mscflow.defs.automation import seed_files_sensor
from mscflow.defs.partitions import RANGE_END, RANGE_START, seed_documents
from mscflow.defs.resources import MscflowConfig
from mscflow.settings import load_settings


@pytest.fixture
def env(project_env):
    instance = dg.DagsterInstance.ephemeral()
    return project_env, instance


def tick(instance, cursor=None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"mscflow": MscflowConfig.from_settings(load_settings())})
    result = seed_files_sensor(context)
    return result


def ranges(result) -> list[tuple[str, str, str]]:
    return [(r.job_name, r.tags[RANGE_START], r.tags[RANGE_END]) if RANGE_START in r.tags else (r.job_name, "", "")
            for r in result.run_requests]


def partitions(instance) -> list[str]:
    return instance.get_dynamic_partitions(seed_documents.name)


def test_first_tick_registers_every_file_in_one_run(env):
    root, instance = env
    result = tick(instance)
    names = sorted(p.name for p in (root / "seeds").iterdir())
    assert ranges(result) == [("refresh_job", names[0], names[-1])]  # documents, then the warehouse
    assert sorted(partitions(instance)) == names


def test_no_change_skips_and_cursor_survives_restart(env):
    _, instance = env
    first = tick(instance)
    again = tick(instance, first.cursor)
    assert isinstance(again, dg.SkipReason)
    # a new context (a restarted daemon) with the stored cursor sees no change either
    assert isinstance(tick(instance, first.cursor), dg.SkipReason)


def test_changed_and_added_files_are_one_run_of_exactly_those(env):
    root, instance = env
    cursor = tick(instance).cursor
    seeds = root / "seeds"
    changed = sorted(seeds.iterdir())[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n新增一段。", encoding="utf-8")
    result = tick(instance, cursor)
    assert ranges(result) == [("refresh_job", changed.name, changed.name)]
    (seeds / "zz_new.txt").write_text("一篇新文章。", encoding="utf-8")
    first = sorted(seeds.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n再改。", encoding="utf-8")
    result2 = tick(instance, result.cursor)
    assert len(result2.run_requests) == 1  # one run for the batch, however scattered the files
    start, end = result2.run_requests[0].tags[RANGE_START], result2.run_requests[0].tags[RANGE_END]
    order = partitions(instance)
    assert order[order.index(start): order.index(end) + 1] == [first.name, "zz_new.txt"]


def test_removed_file_loses_partition_and_store_rows_and_triggers_warehouse(env):
    root, instance = env
    cursor = tick(instance).cursor
    settings = load_settings()
    victim = sorted((root / "seeds").iterdir())[2]
    store.write_frame(settings.store_dir, "studies", victim.name, pd.DataFrame({"x": [1]}))
    victim.unlink()
    result = tick(instance, cursor)
    assert ranges(result) == [("warehouse_job", "", "")]
    assert victim.name not in partitions(instance)
    assert store.stored_keys(settings.store_dir, "studies") == []


def test_renamed_file_keeps_its_extraction(env):
    root, instance = env
    cursor = tick(instance).cursor
    settings = load_settings()
    old = sorted((root / "seeds").iterdir())[0]
    store.write_frame(settings.store_dir, "raw_documents", old.name, pd.DataFrame({"source_path": [old.name], "sha256": ["x"]}))
    new = old.with_name("renamed.txt")
    old.rename(new)
    result = tick(instance, cursor)
    assert ranges(result) == [("warehouse_job", "", "")]  # nothing re-extracted
    assert "renamed.txt" in partitions(instance) and old.name not in partitions(instance)
    assert store.read_frame(settings.store_dir, "raw_documents", "renamed.txt")["source_path"].tolist() == ["renamed.txt"]
