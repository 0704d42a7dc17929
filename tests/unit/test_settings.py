"""Every setting is read in mscflow/settings.py and documented with its default."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented_with_its_default():
    from mscflow.settings import ENVIRONMENT, PROJECT_ROOT

    ops = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for name, (default, _) in ENVIRONMENT.items():
        shown = default.replace(str(PROJECT_ROOT) + "/", "")
        assert f"| `{name}` | `{shown}` |" in ops, name


def test_no_module_but_settings_reads_the_environment():
    import re

    readers = [p for p in (ROOT / "mscflow").rglob("*.py")
               if p.name != "settings.py" and re.search(r"os\.environ\.get|os\.getenv|environ\[[^\]]+\](?!\s*=)", p.read_text(encoding="utf-8"))]
    assert not readers, readers
