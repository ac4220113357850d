"""The DuckDB warehouse and the dlt pipeline that loads it.

DuckDB allows one writing process. The project's own steps take turns through the ``chess_duckdb``
pool; a foreign process (a user's ``duckdb`` shell, a notebook) is waited for, within a bound, and
anything else wrong with the file is said in one line with what to do.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import dlt
import duckdb

from chess_dagster.lib.errors import WarehouseError
from chess_dagster.lib.settings import DATASET_NAME, PIPELINE_NAME

log = logging.getLogger(__name__)


def pipelines_dir(database: str) -> Path:
    """dlt's working folder for ``database``: beside it, so each warehouse has its own dlt state."""
    return Path(database).parent / "dlt_pipelines"


def chess_pipeline(database: str) -> dlt.Pipeline:
    """The dlt pipeline loading into the DuckDB file ``database`` (nothing lands in the home folder)."""
    return dlt.pipeline(
        pipeline_name=PIPELINE_NAME,
        pipelines_dir=str(pipelines_dir(database)),
        destination=dlt.destinations.duckdb(database),
        dataset_name=DATASET_NAME,
    )


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


def ensure_writable(path: str, timeout_s: float) -> None:
    """Return once ``path`` opens read-write; raise :class:`WarehouseError` when it will not.

    A lock held by another process is waited for up to ``timeout_s`` seconds.
    """
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(
            f"cannot create the folder of DuckDB file {path} ({exc.strerror}); "
            "set CHESS_DUCKDB_PATH to a writable path"
        ) from None
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            duckdb.connect(path).close()
            return
        except duckdb.IOException as exc:
            reason = str(exc).splitlines()[0]
            if "lock" not in reason.lower():
                raise WarehouseError(_unusable(path, reason)) from None
            if time.monotonic() >= deadline:
                raise WarehouseError(
                    f"DuckDB file {path} is locked by another process for {timeout_s:.0f}s ({reason}); "
                    "close that process (e.g. a duckdb shell) and retry"
                ) from None
            log.info("DuckDB file %s is locked by another process; waiting", path)
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
        except duckdb.Error as exc:
            raise WarehouseError(_unusable(path, str(exc).splitlines()[0])) from None


def _unusable(path: str, reason: str) -> str:
    if "permission" in reason.lower() or "read-only" in reason.lower():
        return f"cannot write DuckDB file {path} ({reason}); set CHESS_DUCKDB_PATH to a writable path"
    return (
        f"DuckDB file {path} cannot be opened ({reason}); if it is damaged, move it away "
        "and materialize the chess assets again to rebuild it"
    )
