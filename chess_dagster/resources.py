"""Resources: the DuckDB warehouse, the dlt runner and Slack, plus the one dlt pipeline."""

from __future__ import annotations

import tempfile
from pathlib import Path

import dlt
from dagster_dlt import DagsterDltResource
from dagster_duckdb import DuckDBResource

from chess_dagster.notify import SlackWebhook
from chess_dagster.settings import DATASET_NAME, PIPELINE_NAME, duckdb_path


def _pipelines_dir(database: str) -> Path:
    return Path(database).parent / "dlt_pipelines"


def chess_pipeline(database: str) -> dlt.Pipeline:
    """The dlt pipeline loading into ``database``.

    Its working directory sits beside the DuckDB file, so each warehouse has its own dlt state
    and nothing lands in the home directory.
    """
    return dlt.pipeline(
        pipeline_name=PIPELINE_NAME,
        pipelines_dir=str(_pipelines_dir(database)),
        destination=dlt.destinations.duckdb(database),
        dataset_name=DATASET_NAME,
    )


def waiting_packages(database: str, stage: str) -> list[str]:
    """Load ids dlt holds for ``database`` between steps: ``stage`` "extracted" (normalize runs on
    them next) or "normalized" (load runs on them next). Read from disk without opening the
    pipeline, so another process can watch a run's progress (crash tests, the soak).
    """
    working_dir = _pipelines_dir(database) / PIPELINE_NAME
    folder = working_dir / {"extracted": "normalize/extracted", "normalized": "load/normalized"}[stage]
    return sorted(entry.name for entry in folder.iterdir()) if folder.is_dir() else []


def describing_pipeline() -> dlt.Pipeline:
    """A pipeline that only describes the assets (destination kind, names) when they are defined.

    It lives in the temp folder, so loading the code location never touches the data folder.
    """
    return dlt.pipeline(
        pipeline_name=PIPELINE_NAME,
        pipelines_dir=str(Path(tempfile.gettempdir()) / "chess_dagster_specs"),
        destination="duckdb",
        dataset_name=DATASET_NAME,
    )


def default_resources() -> dict[str, object]:
    return {
        "dlt": DagsterDltResource(),
        "duckdb": DuckDBResource(database=duckdb_path()),
        "slack": SlackWebhook(),
    }
