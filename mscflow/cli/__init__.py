"""The ``mscflow`` command: ``main`` parses and dispatches (no Dagster import); ``runner``
drives the Dagster materializations for ``build`` and ``refresh``."""
