"""The one entry point of the code location: every Dagster object lives under ``defs/``."""

from pathlib import Path

import dagster as dg

from mscflow.defs.instance import tune_sqlite_storage
from mscflow.settings import apply_dagster_environment

apply_dagster_environment()  # before any run of this code location is created
tune_sqlite_storage()


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).resolve().parent)
