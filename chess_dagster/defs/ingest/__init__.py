"""Ingest: the dlt chess source as Dagster assets, their checks, partitions, jobs and schedules."""
