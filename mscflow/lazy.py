"""Names a package exports from one of its modules, imported on first use (PEP 562): importing
the package stays light for code that needs only its light parts (a no-change refresh)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module


def lazy_exports(package: str, module: str, names: frozenset[str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package`` that serve ``names`` from ``module``
    (relative to the package, e.g. ``".registry"``)."""

    def __getattr__(name: str) -> object:
        if name in names:
            return getattr(import_module(module, package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(names | set(vars(sys.modules[package])))

    return __getattr__, __dir__
