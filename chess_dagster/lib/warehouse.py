"""The warehouse and the dlt pipeline that loads it.

The warehouse is dlt's named destination ``warehouse``: DuckDB at ``CHESS_DUCKDB_PATH`` unless
dlt's configuration names another type (``DESTINATION__WAREHOUSE__DESTINATION_TYPE=postgres`` with
``DESTINATION__WAREHOUSE__CREDENTIALS=postgresql://...``), so moving the data is configuration only.

Every step that uses the warehouse runs in the concurrency pool of its type (:func:`warehouse_pool`):
``chess_duckdb`` takes one step at a time (DuckDB allows one writing process), ``chess_postgres``
several. On DuckDB a foreign process (a user's ``duckdb`` shell, a notebook) is waited for, within
a bound, and anything else wrong with the file is said in one line with what to do.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt
import duckdb
from dlt.common.configuration.exceptions import ConfigFieldMissingException
from dlt.common.destination import Destination, TLoaderFileFormat
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from dlt.destinations.sql_client import SqlClientBase
from dlt.extract import DltResource

from chess_dagster.lib.errors import WarehouseError
from chess_dagster.lib.settings import DATASET_NAME, PIPELINE_NAME, settings

log = logging.getLogger(__name__)

WAREHOUSE = "warehouse"
# dlt's working folder of each step: a new temporary folder named so (``step_pipeline``).
WORKING_FOLDER_PREFIX = "chess_dlt_"


def _configured_type() -> str | None:
    """``destination.warehouse.destination_type`` from dlt's config (dlt's setting, not the platform's)."""
    return dlt.config.get(f"destination.{WAREHOUSE}.destination_type", str) or None


def warehouse_pool() -> str:
    """The concurrency pool of the steps that use the warehouse: ``chess_<type>``, ``chess_duckdb``
    by default. The instance sets each pool's limit (``dagster_home/dagster.yaml``: 1,
    ``deploy/dagster.yaml``: several). Only the type's name is read, so a bad setting fails a
    run, not the loading of the code location."""
    name = (_configured_type() or "duckdb").rsplit(".", 1)[-1].lower()
    return "chess_" + re.sub(r"\W+", "_", name)


def warehouse_destination(
    database: str,
    name: str | None = WAREHOUSE,
    staging_dataset_name_layout: str | None = None,
    held: duckdb.DuckDBPyConnection | None = None,
) -> Destination:
    """dlt's destination ``warehouse``: the DuckDB file ``database`` unless configured otherwise.

    A configured destination takes its credentials from ``destination.warehouse.credentials`` in
    dlt's config. ``name=None`` names it by its type, for describing it (dagster-dlt's kind tag).
    ``held``: a connection to the DuckDB file the step already holds, which dlt then uses for every
    stage instead of opening the file again (see :func:`held_warehouse`).
    """
    config: dict[str, Any] = {"destination_name": name} if name else {}
    if staging_dataset_name_layout:
        config["staging_dataset_name_layout"] = staging_dataset_name_layout
    destination_type = _configured_type()
    if not destination_type or destination_type == "duckdb":
        # Unbounded, DuckDB may take 80% of the machine for a merge; bounded, it spills to
        # <database>.tmp and a backfill's memory stays flat, for a slower load (README, settings).
        limit = {"memory_limit": settings().duckdb_memory_limit}
        credentials = DuckDbCredentials(held if held is not None else database, global_config=limit)
        return dlt.destinations.duckdb(credentials, **config)
    try:
        configured = Destination.from_reference(destination_type, **config)
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
    """parquet for DuckDB: the games arrive as Arrow tables and go through as parquet, which DuckDB
    reads natively (INSERT statements take several times as long and hold a backfill's SQL text in memory);
    the destination's own preference elsewhere (PostgreSQL takes no parquet)."""
    return "parquet" if on_duckdb(destination) else None


def index_keys(resources: Iterable[DltResource], destination: Destination) -> None:
    """Off DuckDB, mark each table's primary key ``unique``: dlt's PostgreSQL destination indexes
    only ``unique`` columns, not a primary key; every merge looks rows up by that key, and two
    loads of one month at once cannot both insert a game (the second fails and is retried).
    On DuckDB a unique constraint breaks dlt's delete-then-insert merge, and one step writes at
    a time anyway. A key of several columns (a player's stats by kind) is left as it is: dlt's
    ``unique`` is per column, and each of its columns repeats."""
    if on_duckdb(destination):
        return
    for resource in resources:
        columns = resource.compute_table_schema().get("columns", {})
        keys = [name for name, column in columns.items() if column.get("primary_key")]
        if len(keys) == 1:
            resource.apply_hints(columns={keys[0]: {"name": keys[0], "unique": True}})


@contextmanager
def step_pipeline(database: str, held: duckdb.DuckDBPyConnection | None = None) -> Iterator[dlt.Pipeline]:
    """A dlt pipeline into the warehouse with a working folder and a staging dataset of its own,
    both removed afterwards, so steps load side by side: two processes on one working folder
    corrupt it (dlt #1102), and merges through one staging dataset at once duplicate or drop rows
    (dlt #4297, #2287). dlt restores the schema and its state from the warehouse into the new
    folder when the pipeline runs. ``held``: the step's connection to the DuckDB file.
    """
    staging = f"%s_staging_{uuid.uuid4().hex[:12]}"
    with _pipeline_in_temporary_folder(
        warehouse_destination(database, staging_dataset_name_layout=staging, held=held)
    ) as pipeline:
        try:
            yield pipeline
        finally:
            _drop_staging_dataset(pipeline)


@contextmanager
def _pipeline_in_temporary_folder(destination: Destination) -> Iterator[dlt.Pipeline]:
    """The chess pipeline into ``destination``, its working folder a new temporary one."""
    with tempfile.TemporaryDirectory(prefix=WORKING_FOLDER_PREFIX) as working_folder:
        yield dlt.pipeline(
            pipeline_name=PIPELINE_NAME,
            pipelines_dir=working_folder,
            destination=destination,
            dataset_name=DATASET_NAME,
        )


def _drop_staging_dataset(pipeline: dlt.Pipeline) -> None:
    """Drop the staging dataset of a pipeline that loaded; a failure here is logged, not raised,
    so it never hides the load's own outcome (a left-over ``chess_data_staging_*`` is harmless)."""
    if pipeline.last_trace is None:
        return
    try:
        with pipeline.sql_client() as client, client.with_staging_dataset():
            if client.has_dataset():
                client.drop_dataset()
    except Exception as exc:  # any destination error: see above
        log.warning("could not drop the staging dataset of this load: %s", exc)


@contextmanager
def describing_pipeline(database: str) -> Iterator[dlt.Pipeline]:
    """A pipeline that only describes the assets (the warehouse's kind, the dataset) when they are
    defined, in a temporary folder of its own: loading the code location never touches the data
    folder, and processes loading it at once do not race for one folder. A warehouse type dlt does
    not know is described as DuckDB here and fails the runs, in one line."""
    try:
        destination = warehouse_destination(database, name=None)
    except WarehouseError:
        destination = dlt.destinations.duckdb(database)
    with _pipeline_in_temporary_folder(destination) as pipeline:
        yield pipeline


def existing_tables(client: SqlClientBase) -> set[str]:
    """Tables of the chess dataset in the warehouse now (empty before the first load)."""
    rows = client.execute_sql(
        "select table_name from information_schema.tables where table_schema = %s", DATASET_NAME
    )
    return {name for (name,) in rows or []}


def existing_columns(client: SqlClientBase, table: str) -> set[str]:
    """Columns of ``table`` of the chess dataset in the warehouse now (empty when it does not exist)."""
    rows = client.execute_sql(
        "select column_name from information_schema.columns where table_schema = %s and table_name = %s",
        DATASET_NAME,
        table,
    )
    return {name for (name,) in rows or []}


def ensure_configured(pipeline: dlt.Pipeline) -> None:
    """Raise :class:`WarehouseError` naming the settings when dlt lacks the destination's config."""
    try:
        pipeline.destination_client()
    except ConfigFieldMissingException as exc:
        raise _lacking(pipeline.destination.destination_name, ", ".join(exc.fields)) from None


def _lacking(destination_name: str, missing: str) -> WarehouseError:
    return WarehouseError(
        f"the warehouse ({destination_name}) lacks {missing}: set "
        "DESTINATION__WAREHOUSE__CREDENTIALS, e.g. postgresql://user:password@host:5432/database"
    )


@dataclass(frozen=True)
class PostgresAddress:
    """Where the PostgreSQL warehouse is and who to be there (the password is never printed)."""

    host: str
    port: int
    user: str
    database: str
    password: str = field(repr=False)


def warehouse_address(database: str) -> Path | PostgresAddress:
    """The warehouse the loads write, for a reader of its SQL (the mart, the dashboard): the DuckDB
    file ``database``, or the configured PostgreSQL destination's address."""
    destination = warehouse_destination(database)
    if on_duckdb(destination):
        return Path(database).resolve()
    if destination.destination_type != "dlt.destinations.postgres":
        raise WarehouseError(
            f"the mart (dbt) and the dashboard read DuckDB or PostgreSQL, not "
            f"{destination.destination_name}: load into one of them"
        )
    config = destination.spec()
    config.dataset_name = DATASET_NAME
    try:
        credentials = destination.configuration(config).credentials
    except ConfigFieldMissingException:
        raise _lacking(destination.destination_name, "credentials") from None
    return PostgresAddress(
        host=credentials.host,
        port=int(credentials.port or 5432),
        user=credentials.username,
        database=credentials.database,
        password=str(credentials.password or ""),
    )


def dbt_profile_env(database: str) -> dict[str, str]:
    """The variables ``chess_dbt/profiles.yml`` reads: the warehouse the loads write (the DuckDB
    file ``database``, or the configured destination), so one setting moves loads and mart. The
    password goes in a ``DBT_ENV_SECRET_`` variable, whose value dbt keeps out of its logs."""
    address = warehouse_address(database)
    if isinstance(address, Path):
        return {
            "CHESS_DBT_TARGET": "duckdb",
            "CHESS_DUCKDB_PATH": str(address),
            "CHESS_DUCKDB_MEMORY_LIMIT": settings().duckdb_memory_limit,
        }
    return {
        "CHESS_DBT_TARGET": "postgres",
        "CHESS_PG_HOST": address.host,
        "CHESS_PG_PORT": str(address.port),
        "CHESS_PG_USER": address.user,
        "CHESS_PG_DATABASE": address.database,
        "DBT_ENV_SECRET_CHESS_PG_PASSWORD": address.password,
    }


@contextmanager
def held_warehouse(database: str, timeout_s: float) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """On DuckDB, the file opened read-write for the whole step (``None`` elsewhere); raise
    :class:`WarehouseError` when it will not open. A lock held by another process is waited for
    up to ``timeout_s`` seconds.

    dlt opens the file again at each stage of a load: another process reading in between (the
    dashboard's short reads, a user's ``duckdb -readonly``) would fail the load on its lock. Held
    and handed to dlt (:func:`step_pipeline`), the file is opened once, after the wait.
    """
    if not on_duckdb(warehouse_destination(database)):
        yield None
        return
    connection = _open_writable(database, timeout_s)
    try:
        yield connection
    finally:
        connection.close()


def _open_writable(path: str, timeout_s: float) -> duckdb.DuckDBPyConnection:
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
            return duckdb.connect(path)
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
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        except duckdb.Error as exc:
            raise WarehouseError(_unusable(path, str(exc).splitlines()[0])) from None


def _unusable(path: str, reason: str) -> str:
    if "permission" in reason.lower() or "read-only" in reason.lower():
        return f"cannot write DuckDB file {path} ({reason}); set CHESS_DUCKDB_PATH to a writable path"
    return (
        f"DuckDB file {path} cannot be opened ({reason}); if it is damaged, move it away "
        "and materialize the chess assets again to rebuild it"
    )
