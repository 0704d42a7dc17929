"""Charts drawn once per content: each chart's SVG (and the preview PNG) is kept under a key of
what it shows, so a refresh that changes one document redraws only the charts whose numbers
changed, and matplotlib (seconds to import and lay out) is not imported when none did.

A chart is a pure function of its arguments and of ``charts.py``: the key is the SHA-256 of the
chart's name, the ``repr`` of its arguments (plain Python values read from DuckDB), the source
of ``charts.py`` and matplotlib's version, so a change to any of them draws it anew."""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path
from typing import Any

from mscflow.files import replace_file

CHARTS_SOURCE = Path(__file__).with_name("charts.py")


def _renderer_stamp() -> bytes:
    """What, besides its arguments, decides a chart's bytes: the drawing code and matplotlib."""
    return CHARTS_SOURCE.read_bytes() + version("matplotlib").encode()


class ChartCache:
    """Draws charts through ``mscflow.report.charts`` unless a chart of the same key is kept in
    ``folder`` (``None``: always draw). Counts what it drew and what it reused."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.drawn = 0
        self.reused = 0
        self._used: set[str] = set()
        self._stamp = _renderer_stamp() if folder is not None else b""

    def svg(self, name: str, *args: Any, **kwargs: Any) -> str:
        """The inline SVG of ``charts.<name>(*args, **kwargs)``."""
        data = self._get(f"{name}.svg", (name, args, sorted(kwargs.items())),
                         lambda charts: getattr(charts, name)(*args, **kwargs).encode("utf-8"))
        return data.decode("utf-8")

    def png(self, name: str, *args: Any) -> bytes:
        """The small PNG of ``charts.<name>(*args)`` (the Dagster UI's preview)."""
        return self._get(f"{name}.png", ("png", name, args), lambda charts: charts.png(getattr(charts, name), *args))

    def _get(self, suffix: str, what: tuple, draw) -> bytes:
        if self.folder is None:
            return self._draw(draw)
        key = hashlib.sha256(self._stamp + repr(what).encode("utf-8")).hexdigest()[:24]
        path = self.folder / f"{key}.{suffix}"
        self._used.add(path.name)
        if path.exists():
            self.reused += 1
            return path.read_bytes()
        data = self._draw(draw)
        replace_file(path, data)
        return data

    def _draw(self, draw) -> bytes:
        from . import charts  # matplotlib: imported only when a chart must be drawn

        self.drawn += 1
        return draw(charts)

    def prune(self) -> None:
        """Forget every kept chart this report did not use (the folder holds one report's charts)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name not in self._used and not path.name.startswith("."):
                path.unlink(missing_ok=True)
