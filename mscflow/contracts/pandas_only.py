"""Keep pandera to pandas: our contracts annotate pandas frames only.

pandera decides what a model's ``Series[...]`` annotation means by collecting the series types
of every dataframe library installed (``pandera.typing.get_series_types``), and dask is
installed here for the cluster engine. So the first schema a process builds would import
``dask.dataframe`` and ``dask.array`` only to learn that our annotations are not theirs: about
0.35 s in every process that validates (the CLI, each pool worker, the gate's standby).

``scope_pandera_to_pandas`` tells pandera that its dask typing is absent, unless the process
already imported ``dask.dataframe`` (then pandera sees dask as usual). pandas validation is
unchanged; only pandera's dask annotations (which mscflow never uses) are unavailable."""

from __future__ import annotations

import sys
import types

_DASK_TYPING = "pandera.typing.dask"


def scope_pandera_to_pandas() -> None:
    """Register an empty ``pandera.typing.dask`` (``DASK_INSTALLED = False``) before pandera
    first looks for it; a no-op when pandera or dask.dataframe got there first."""
    if _DASK_TYPING in sys.modules or "dask.dataframe" in sys.modules:
        return
    stand_in = types.ModuleType(_DASK_TYPING, "pandera's dask typing, left out by mscflow.contracts.pandas_only")
    stand_in.DASK_INSTALLED = False  # type: ignore[attr-defined]
    sys.modules[_DASK_TYPING] = stand_in
