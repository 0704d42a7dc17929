"""One dynamic partition per seed file (key = file name)."""

import dagster as dg

seed_documents = dg.DynamicPartitionsDefinition(name="seed_documents")
