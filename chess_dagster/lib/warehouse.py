"""The warehouse and the dlt pipeline that loads it: dlt's named destination ``warehouse``, DuckDB
unless dlt's configuration names another type, so moving the data is configuration only
(docs/postgres.md)."""

from __future__ import annotations

import copy
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
from dlt.common.destination import Destination, DestinationCapabilitiesContext, TLoaderFileFormat
from dlt.common.normalizers.naming import NamingConvention
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from dlt.destinations.sql_client import SqlClientBase
from dlt.extract import DltResource

from chess_dagster.lib.errors import WarehouseError
from chess_dagster.lib.settings import DATASET_NAME, PIPELINE_NAME, settings

log = logging.getLogger(__name__)

WAREHOUSE = "warehouse"
WORKING_FOLDER_PREFIX = "chess_dlt_"


def _configured_type() -> str | None:
    return dlt.config.get(f"destination.{WAREHOUSE}.destination_type", str) or None


def warehouse_pool() -> str:
    """Only the type's name is read, so a bad setting fails a run, not the loading of the code location."""
    name = (_configured_type() or "duckdb").rsplit(".", 1)[-1].lower()
    return "chess_" + re.sub(r"\W+", "_", name)


def warehouse_destination(
    database: str,
    name: str | None = WAREHOUSE,
    staging_dataset_name_layout: str | None = None,
    held: duckdb.DuckDBPyConnection | None = None,
) -> Destination:
    """``name=None`` names it by its type, for dagster-dlt's kind tag; ``held`` (:func:`held_warehouse`)
    spares dlt opening the DuckDB file again at each stage."""
    config: dict[str, Any] = {"destination_name": name} if name else {}
    if staging_dataset_name_layout:
        config["staging_dataset_name_layout"] = staging_dataset_name_layout
    destination_type = _configured_type()
    if not destination_type or destination_type == "duckdb":
        # Bounded, a merge spills to <database>.tmp instead of taking the machine's memory (README).
        limit = {"memory_limit": settings().duckdb_memory_limit}
        credentials = DuckDbCredentials(held if held is not None else database, global_config=limit)
        return _capabilities_worked_out_once(dlt.destinations.duckdb(credentials, **config))
    try:
        configured = Destination.from_reference(destination_type, **config)
    except Exception:  # dlt raises a different error per way of not finding it
        configured = None
    if configured is None:
        raise WarehouseError(
            f"DESTINATION__WAREHOUSE__DESTINATION_TYPE={destination_type!r} is not a dlt destination; "
            "use postgres (or unset it for DuckDB)"
        )
    return _capabilities_worked_out_once(configured)


def _capabilities_worked_out_once(destination: Destination) -> Destination:
    """dlt 1.31 asks a destination for its capabilities about ten times a load, and each time resolves
    its whole configuration from every provider first: a quarter of a small load's CPU. With dlt's own
    ``adjust_capabilities`` (DuckDB's, PostgreSQL's) they depend only on whether the schema's naming is
    case sensitive, so they are worked out once per case; each caller gets its own copy to change."""
    if type(destination).adjust_capabilities.__func__ is not Destination.adjust_capabilities.__func__:  # type: ignore[attr-defined]
        return destination
    work_out = destination.capabilities
    known: dict[bool, DestinationCapabilitiesContext] = {}

    def capabilities(
        config: Any = None, naming: NamingConvention | None = None
    ) -> DestinationCapabilitiesContext:
        if config is not None:
            return work_out(config, naming)
        case_sensitive = bool(naming and naming.is_case_sensitive)
        if case_sensitive not in known:
            known[case_sensitive] = work_out(None, naming)
        return copy.deepcopy(known[case_sensitive])

    destination.capabilities = capabilities  # type: ignore[method-assign]
    return destination


def on_duckdb(destination: Destination) -> bool:
    return destination.destination_type == "dlt.destinations.duckdb"


def loader_file_format(destination: Destination) -> TLoaderFileFormat | None:
    """parquet for DuckDB, which reads it natively (INSERTs are slower and hold the SQL in memory);
    PostgreSQL takes no parquet."""
    return "parquet" if on_duckdb(destination) else None


def index_keys(resources: Iterable[DltResource], destination: Destination) -> None:
    """dlt's PostgreSQL destination indexes only ``unique`` columns, not a primary key; on DuckDB a
    unique constraint breaks dlt's merge (docs/postgres.md). dlt's ``unique`` is per column, so a
    key of several columns is left alone."""
    if on_duckdb(destination):
        return
    for resource in resources:
        columns = resource.compute_table_schema().get("columns", {})
        keys = [name for name, column in columns.items() if column.get("primary_key")]
        if len(keys) == 1:
            resource.apply_hints(columns={keys[0]: {"name": keys[0], "unique": True}})


@contextmanager
def step_pipeline(
    database: str, held: duckdb.DuckDBPyConnection | None = None, dataset_name: str = DATASET_NAME
) -> Iterator[dlt.Pipeline]:
    """A working folder and a staging dataset of the step's own, so steps load side by side
    (dlt #1102, #4297, #2287; docs/postgres.md)."""
    staging = f"%s_staging_{uuid.uuid4().hex[:12]}"
    with _pipeline_in_temporary_folder(
        warehouse_destination(database, staging_dataset_name_layout=staging, held=held), dataset_name
    ) as pipeline:
        try:
            yield pipeline
        finally:
            _drop_staging_dataset(pipeline)


@contextmanager
def _pipeline_in_temporary_folder(
    destination: Destination, dataset_name: str = DATASET_NAME
) -> Iterator[dlt.Pipeline]:
    with tempfile.TemporaryDirectory(prefix=WORKING_FOLDER_PREFIX) as working_folder:
        yield dlt.pipeline(
            pipeline_name=PIPELINE_NAME,
            pipelines_dir=working_folder,
            destination=destination,
            dataset_name=dataset_name,
        )


def _drop_staging_dataset(pipeline: dlt.Pipeline) -> None:
    """A failure is logged, not raised, so it never hides the load's own outcome."""
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
    """In a temporary folder, so loading the code location never touches the data folder; an
    unknown warehouse type is described as DuckDB here and fails the runs instead."""
    try:
        destination = warehouse_destination(database, name=None)
    except WarehouseError:
        destination = dlt.destinations.duckdb(database)
    with _pipeline_in_temporary_folder(destination) as pipeline:
        yield pipeline


def existing_tables(client: SqlClientBase, dataset_name: str = DATASET_NAME) -> set[str]:
    rows = client.execute_sql(
        "select table_name from information_schema.tables where table_schema = %s", dataset_name
    )
    return {name for (name,) in rows or []}


def existing_columns(client: SqlClientBase, table: str) -> set[str]:
    rows = client.execute_sql(
        "select column_name from information_schema.columns where table_schema = %s and table_name = %s",
        DATASET_NAME,
        table,
    )
    return {name for (name,) in rows or []}


def ensure_configured(pipeline: dlt.Pipeline) -> None:
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
    host: str
    port: int
    user: str
    database: str
    password: str = field(repr=False)


def warehouse_address(database: str) -> Path | PostgresAddress:
    """For the readers of its SQL (the mart, the dashboard)."""
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
    """For ``chess_dbt/profiles.yml``, so one setting moves loads and mart; ``DBT_ENV_SECRET_`` keeps
    the password out of dbt's logs."""
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
    """dlt opens the DuckDB file again at each stage: a reader in between (the dashboard, a
    ``duckdb`` shell) would fail the load on its lock, so the step holds it once, after the wait."""
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
