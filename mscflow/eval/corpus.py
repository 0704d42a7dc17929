"""Article files through the pipeline's own path: the functions the document assets run
(read, clean batch, extract batch), for the scorer, ``mscflow eval``, the bench and the tests.

The score ``make test`` prints is therefore measured on exactly what the assets produce."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..clean.document import CleanBatch, clean_in_pool
from ..extract.document import BatchExtraction, extract_in_pool
from ..ingest import RawDocument, duplicate_owners, list_seeds, read_seed
from ..settings import Settings, load_settings


@dataclass
class Corpus:
    """What the document stages made of a set of files (keys are file names)."""

    raw: dict[str, RawDocument]
    clean: CleanBatch
    extraction: BatchExtraction

    def table(self, name: str) -> pd.DataFrame:
        """One table over every document: ``documents``, ``quarantine`` or an extracted table."""
        parts = getattr(self.clean, name, None) if name in ("documents", "quarantine") else self.extraction.frames[name]
        frames = [f for f in parts.values() if len(f)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def records(self, name: str) -> list[dict]:
        """Rows of an extracted table, each tagged with its file name as ``doc`` (the gold's key)."""
        return [{**r, "doc": key} for key, frame in self.extraction.frames[name].items()
                for r in frame.to_dict("records")]


def read_files(paths: Iterable[Path], settings: Settings) -> dict[str, RawDocument]:
    """Each file read as the raw-documents asset reads it (duplicates within one folder too)."""
    by_folder: dict[Path, list[Path]] = defaultdict(list)
    for p in sorted(paths):
        by_folder[p.parent].append(p)
    out: dict[str, RawDocument] = {}
    for folder, files in by_folder.items():
        owners = duplicate_owners(folder, list_seeds(folder))
        for p in files:
            if p.name in out:
                raise ValueError(f"two files named {p.name}: score folders one at a time")
            out[p.name] = read_seed(p, folder, settings.max_file_bytes, owners)
    return out


def process_files(paths: Iterable[Path], settings: Settings | None = None) -> Corpus:
    """Read, clean and extract files exactly as the document assets do."""
    settings = settings or load_settings()
    raw = read_files(paths, settings)
    clean = clean_in_pool({k: r.record() for k, r in raw.items()}, settings.opencc_config, settings.pool(),
                          settings.document_timeout)
    docs = {k: (f.iloc[0].to_dict() if len(f) else None) for k, f in clean.documents.items()}
    return Corpus(raw, clean, extract_in_pool(docs, settings.pool(), settings.document_timeout))
