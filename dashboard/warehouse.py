"""Reading the warehouse without ever holding up a load or a dbt build.

DuckDB lets one process write a file, and a reader in another process that keeps the file open
locks every writer out. So each query opens the file read-only, reads and closes it at once; a
writer that arrives meanwhile waits the few milliseconds (the loads up to
``CHESS_DUCKDB_LOCK_TIMEOUT_S``, dbt through dbt-duckdb's ``connect_attempts``). While a writer
holds the file, a read raises :class:`WarehouseBusy` at once instead of waiting. On PostgreSQL,
a plain connection per query.

No Streamlit here: the pages cache what this reads (``dashboard.data``), the tests read it directly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import psycopg2
import psycopg2.errors

from chess_dagster.lib.settings import settings_now
from chess_dagster.lib.warehouse import PostgresAddress, warehouse_address

# The queries name their parameters as psycopg2 does, %(name)s; DuckDB spells them $name.
_PSYCOPG_PARAMETER = re.compile(r"%\((\w+)\)s")
# What PostgreSQL's statistics count when rows land in the mart, all the dashboard reads: a dbt
# build changes the sum, or, for a table rebuilt whole with as many rows, its oid (a new table).
_PG_VERSION = """
    select count(*), coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0), coalesce(sum(relid::bigint), 0)
    from pg_stat_user_tables where schemaname = 'chess_analytics'
"""


class WarehouseBusy(Exception):
    """A load or a dbt build holds the DuckDB file; reading now would make it wait."""


class NotBuilt(Exception):
    """A table the query reads does not exist yet: nothing was loaded, or the mart not built."""


class NoWarehouse(Exception):
    """The DuckDB file does not exist yet: nothing was loaded."""


@dataclass(frozen=True)
class Warehouse:
    """The warehouse the loads write: a DuckDB file or a PostgreSQL database."""

    address: Path | PostgresAddress

    @classmethod
    def configured(cls) -> Warehouse:
        """The warehouse the platform's settings name (``CHESS_DUCKDB_PATH``,
        ``DESTINATION__WAREHOUSE__*``): the one the loads write."""
        return cls(warehouse_address(settings_now().duckdb_path))

    def describe(self) -> str:
        """Where the figures come from, without the password."""
        if isinstance(self.address, Path):
            return f"DuckDB file {self.address}"
        return f"PostgreSQL {self.address.database} at {self.address.host}:{self.address.port}"

    def read(self, sql: str, params: Mapping[str, object] | None = None) -> pd.DataFrame:
        """The rows of ``sql`` (parameters as ``%(name)s``), read in a connection of its own."""
        if isinstance(self.address, Path):
            return _read_duckdb(self.address, _PSYCOPG_PARAMETER.sub(r"$\1", sql), params or {})
        return _read_postgres(self.address, sql, params or {})

    def version(self) -> str:
        """A token that changes whenever a load or a build lands: cached figures are kept per
        token. DuckDB's is the file's and its write-ahead log's stamps (no lock taken)."""
        if isinstance(self.address, Path):
            return ":".join(_stamp(self.address.with_name(name)) for name in _duckdb_files(self.address))
        counted = _read_postgres(self.address, _PG_VERSION, {})
        return ":".join(str(value) for value in counted.iloc[0])


def _duckdb_files(path: Path) -> tuple[str, str]:
    return path.name, path.name + ".wal"


def _stamp(path: Path) -> str:
    try:
        status = path.stat()
    except FileNotFoundError:
        return "-"
    return f"{status.st_mtime_ns}-{status.st_size}"


def _read_duckdb(path: Path, sql: str, params: Mapping[str, object]) -> pd.DataFrame:
    if not path.exists():
        raise NoWarehouse(f"no DuckDB file at {path} yet")
    try:
        with duckdb.connect(str(path), read_only=True) as connection:
            return connection.execute(sql, dict(params)).df()
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise WarehouseBusy(str(error).splitlines()[0]) from None
        raise
    except duckdb.CatalogException as error:
        raise NotBuilt(str(error).splitlines()[0]) from None


def _read_postgres(address: PostgresAddress, sql: str, params: Mapping[str, object]) -> pd.DataFrame:
    connection = psycopg2.connect(
        host=address.host,
        port=address.port,
        user=address.user,
        password=address.password,
        dbname=address.database,
        connect_timeout=10,
        application_name="chess-dashboard",
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, dict(params))
            columns = [column.name for column in cursor.description or ()]
            return _numbers_as_numbers(pd.DataFrame(cursor.fetchall(), columns=columns))
    except psycopg2.errors.UndefinedTable as error:
        raise NotBuilt(str(error).splitlines()[0]) from None
    finally:
        connection.close()


def _numbers_as_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """PostgreSQL sums integers as ``numeric``, which psycopg2 hands over as ``Decimal`` in object
    columns (charts would take them for names): whole ones as integers, the others as floats."""
    for name in frame.columns:
        values = frame[name].dropna()
        if len(values) and all(isinstance(value, Decimal) for value in values):
            whole = all(value == value.to_integral_value() for value in values)
            frame[name] = frame[name].astype("Int64" if whole else "float64")
    return frame
