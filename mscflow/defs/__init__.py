"""The thin Dagster layer: assets, checks, partitions, sensors, schedules, resources."""
