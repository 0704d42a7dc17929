"""What the published warehouse holds, read without the build machinery (DuckDB only), so a
refresh decides whether there is work before it imports pandas, pandera or Dagster."""

from __future__ import annotations

from pathlib import Path

import duckdb


def published_state(path: Path) -> dict[str, str] | None:
    """{seed name: sha256} of every document the published warehouse holds (documents and
    quarantined files); None when there is no readable published file. Refresh compares the
    seeds folder with this, so a build killed before its publish is finished by the next one."""
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            rows = con.execute("SELECT source_path, sha256 FROM core.documents UNION ALL "
                               "SELECT source_path, sha256 FROM core.quarantine").fetchall()
    except duckdb.Error:
        return None
    return dict(rows)
