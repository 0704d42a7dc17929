"""The document store: per-document Parquet outputs of the document assets.

One file per seed document and table keeps refreshes incremental and lets the warehouse build
read every table without holding a DuckDB lock while documents are processed in parallel. The
warehouse lands these files as ``landing.<table>`` in its build file (``mscflow.warehouse.landing``).

``layout`` (paths and the processed markers, DuckDB only) is imported here; ``frames`` (pandas,
Arrow, the contracts) on first use of one of its names, so a refresh that finds nothing to do
stays light."""

from __future__ import annotations

from mscflow.lazy import lazy_exports

from .layout import KEY, PROCESSED, store_file, stored_rows, stored_state, table_files

_FRAMES = frozenset({"IO_THREADS", "TABLES", "StoredFrames", "batch_summary", "mark_processed",
                     "quarantine_documents", "read_frame", "read_frames", "read_table", "remove_document",
                     "rename_document", "store_frames", "stored_keys", "write_frame", "write_frames"})


__getattr__, __dir__ = lazy_exports(__name__, ".frames", _FRAMES)


__all__ = ["KEY", "PROCESSED", "store_file", "stored_rows", "stored_state", "table_files"]
