"""Where the platform keeps its data, read from the environment once, with defaults that work."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATASET_NAME = "chess_data"
PIPELINE_NAME = "chess"
# Every asset that writes or reads the DuckDB file runs in this pool; the instance limits it to 1.
DUCKDB_POOL = "chess_duckdb"


def new_dagster_home(directory: Path) -> Path:
    """A new Dagster home at ``directory`` with the project's instance config (tests, CI, benchmarks).

    Its SQLite storage is created here: Dagster creates it on first use, and two runs started
    together on a fresh home race to create it (one fails).
    """
    directory.mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "dagster_home" / "dagster.yaml", directory / "dagster.yaml")
    dg.DagsterInstance.from_config(str(directory)).dispose()
    return directory


def duckdb_path() -> str:
    """``CHESS_DUCKDB_PATH``, else ``data/chess.duckdb`` in the project."""
    return os.environ.get("CHESS_DUCKDB_PATH") or str(PROJECT_ROOT / "data" / "chess.duckdb")


def games_start_month() -> str:
    """``CHESS_START_MONTH`` (``YYYY-MM``), the first month partition of the games asset."""
    return os.environ.get("CHESS_START_MONTH") or "2022-01"


def retry_delay_s() -> float:
    """``CHESS_RETRY_DELAY_S``: first delay of the assets' retry policy (doubles, with jitter)."""
    return float(os.environ.get("CHESS_RETRY_DELAY_S") or 15)
