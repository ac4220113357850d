"""The warehouse and the dlt pipeline that loads it.

The warehouse is dlt's named destination ``warehouse``: DuckDB at ``CHESS_DUCKDB_PATH`` unless
dlt's configuration names another type (``DESTINATION__WAREHOUSE__DESTINATION_TYPE=postgres`` with
``DESTINATION__WAREHOUSE__CREDENTIALS=postgresql://...``), so moving the data is configuration only.

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
from dlt.common.configuration.exceptions import ConfigFieldMissingException
from dlt.common.destination import Destination, TLoaderFileFormat
from dlt.destinations.sql_client import SqlClientBase
from dlt.extract import DltSource

from chess_dagster.lib.errors import WarehouseError
from chess_dagster.lib.settings import DATASET_NAME, PIPELINE_NAME

log = logging.getLogger(__name__)

WAREHOUSE = "warehouse"


def pipelines_dir(database: str) -> Path:
    """dlt's working folder for ``database``: beside it, so each warehouse has its own dlt state."""
    return Path(database).parent / "dlt_pipelines"


def warehouse_destination(database: str) -> Destination:
    """dlt's destination ``warehouse``: the DuckDB file ``database`` unless configured otherwise.

    The type is read from dlt's config (dlt's own settings, not the platform's); a configured
    destination takes its credentials from ``destination.warehouse.credentials`` the same way.
    """
    destination_type = dlt.config.get(f"destination.{WAREHOUSE}.destination_type", str)
    if not destination_type or destination_type == "duckdb":
        return dlt.destinations.duckdb(database, destination_name=WAREHOUSE)
    try:
        configured = Destination.from_reference(destination_type, destination_name=WAREHOUSE)
    except Exception:  # dlt raises a different error per way of not finding it
        configured = None
    if configured is None:
        raise WarehouseError(
            f"DESTINATION__WAREHOUSE__DESTINATION_TYPE={destination_type!r} is not a dlt destination; "
            "use postgres (or unset it for DuckDB)"
        )
    return configured


def on_duckdb(destination: Destination) -> bool:
    return destination.destination_type == "dlt.destinations.duckdb"


def loader_file_format(destination: Destination) -> TLoaderFileFormat | None:
    """jsonl for DuckDB (it reads the files natively; INSERT statements cost ~3x the time and hold a
    backfill's SQL text in memory); the destination's own preference elsewhere (PostgreSQL takes
    no jsonl)."""
    return "jsonl" if on_duckdb(destination) else None


def index_keys(source: DltSource, destination: Destination) -> None:
    """Off DuckDB, mark each table's primary key ``unique``: dlt's PostgreSQL destination indexes
    only ``unique`` columns, not a primary key, and every merge looks rows up by that key."""
    if on_duckdb(destination):
        return
    for resource in source.selected_resources.values():
        columns = resource.compute_table_schema().get("columns", {})
        keys = [name for name, column in columns.items() if column.get("primary_key")]
        resource.apply_hints(columns={name: {"name": name, "unique": True} for name in keys})


def chess_pipeline(database: str) -> dlt.Pipeline:
    """The dlt pipeline loading into the warehouse; its working folder sits beside ``database``."""
    return dlt.pipeline(
        pipeline_name=PIPELINE_NAME,
        pipelines_dir=str(pipelines_dir(database)),
        destination=warehouse_destination(database),
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


def existing_tables(client: SqlClientBase) -> set[str]:
    """Tables of the chess dataset in the warehouse now (empty before the first load)."""
    rows = client.execute_sql(
        "select table_name from information_schema.tables where table_schema = %s", DATASET_NAME
    )
    return {name for (name,) in rows or []}


def ensure_configured(pipeline: dlt.Pipeline) -> None:
    """Raise :class:`WarehouseError` naming the settings when dlt lacks the destination's config."""
    try:
        pipeline.destination_client()
    except ConfigFieldMissingException as exc:
        missing = ", ".join(exc.fields)
        raise WarehouseError(
            f"the warehouse ({pipeline.destination.destination_name}) lacks {missing}: set "
            "DESTINATION__WAREHOUSE__CREDENTIALS, e.g. postgresql://user:password@host:5432/database"
        ) from None


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
