"""What the source remembers between loads, so that a load asks only for what may have changed.

Kept in tables merged by key, not in dlt's resource state, which each load rewrites whole (two loads
at once overwrite each other's; docs/postgres.md). Rows are written after the data they describe has
landed, so a ledger never claims what the warehouse does not hold.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, Self, TypeVar

import dlt
from dlt.common.schema.typing import TTableSchemaColumns
from dlt.destinations.sql_client import SqlClientBase
from dlt.extract import DltResource

from chess_dagster.lib.warehouse import existing_columns, existing_tables
from chess_dagster.sources.chess_com.months import is_closed, month_path

PLAYERS_TABLE = "players"
ARCHIVES_TABLE = "players_archives"
PROFILES_FETCHED_TABLE = "players_profiles_fetched"
STATS_FETCHED_TABLE = "players_stats_fetched"
# Typed up front: a column dlt first sees as null only (no ETag yet) would not be created.
ARCHIVES_COLUMNS: TTableSchemaColumns = {
    "archive": {"data_type": "text", "nullable": False, "primary_key": True},
    "username": {"data_type": "text", "nullable": False},
    "month": {"data_type": "text", "nullable": False},
    "etag": {"data_type": "text", "nullable": True},
    "closed": {"data_type": "bool", "nullable": False},
    # Null in rows written before the count was recorded; the next fetch of the archive fills it.
    "games": {"data_type": "bigint", "nullable": True},
}
PROFILES_FETCHED_COLUMNS: TTableSchemaColumns = {
    "username": {"data_type": "text", "nullable": False, "primary_key": True},
    "etag": {"data_type": "text", "nullable": True},
    "fresh_until": {"data_type": "timestamp", "nullable": False},
}
STATS_FETCHED_COLUMNS: TTableSchemaColumns = {
    **PROFILES_FETCHED_COLUMNS,
    "kinds": {"data_type": "text", "nullable": True},
}


@dataclass(frozen=True)
class Archive:
    archive: str
    username: str
    month: str
    etag: str | None
    closed: bool
    games: int | None = None


@dataclass(frozen=True)
class ProfileFetch:
    username: str
    etag: str | None
    fresh_until: datetime


@dataclass(frozen=True)
class StatsFetch:
    username: str
    etag: str | None
    fresh_until: datetime
    kinds: str | None


Row = TypeVar("Row", Archive, ProfileFetch, StatsFetch)
Cached = TypeVar("Cached", ProfileFetch, StatsFetch)


class _Ledger(Generic[Row]):
    """Shared by the source's transformer threads, so every access takes the lock."""

    TABLE: str
    COLUMNS: TTableSchemaColumns

    def __init__(self, known: Iterable[Row] = ()) -> None:
        self._known: dict[str, Row] = {self._key(row): row for row in known}
        self._fetched: dict[str, Row] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(row: Row) -> str:
        raise NotImplementedError

    def _get(self, key: str) -> Row | None:
        with self._lock:
            return self._known.get(key)

    def _known_etag(self, key: str) -> str | None:
        known = self._get(key)
        return known.etag if known else None

    def _record(self, row: Row) -> None:
        with self._lock:
            self._fetched[self._key(row)] = row

    def rows(self) -> list[dict[str, object]]:
        with self._lock:
            return [asdict(row) for key, row in self._fetched.items() if self._known.get(key) != row]

    def resource(self) -> DltResource:
        return dlt.resource(self.rows(), name=self.TABLE, write_disposition="merge", columns=self.COLUMNS)


class ArchiveLedger(_Ledger[Archive]):
    TABLE, COLUMNS = ARCHIVES_TABLE, ARCHIVES_COLUMNS

    @staticmethod
    def _key(row: Archive) -> str:
        return row.archive

    def closed_and_loaded(self, username: str, month: str) -> bool:
        known = self._get(month_path(username, month))
        return known is not None and known.closed

    def etag(self, username: str, month: str) -> str | None:
        """None for a row recorded before games were counted: a 304 would not count them."""
        known = self._get(month_path(username, month))
        return known.etag if known is not None and known.games is not None else None

    def fetched(self, username: str, month: str, etag: str | None, games: int | None) -> None:
        path = month_path(username, month)
        known = self._get(path)
        if games is None and known is not None:  # 304: unchanged since the known fetch
            etag, games = etag or known.etag, known.games
        self._record(Archive(path, username, month, etag, is_closed(month), games))


class _CachedLedger(_Ledger[Cached]):
    ROW: type[Cached]

    @staticmethod
    def _key(row: Cached) -> str:
        return row.username

    def fresh(self, username: str, now: datetime | None = None) -> bool:
        known = self._get(username)
        return known is not None and (now or datetime.now(UTC)) < known.fresh_until

    def etag(self, username: str) -> str | None:
        return self._known_etag(username)

    @classmethod
    def read(cls, client: SqlClientBase, tables: Collection[str]) -> Self:
        if cls.TABLE not in tables:
            return cls()
        table = client.make_qualified_table_name(cls.TABLE)
        rows = client.execute_sql(f"select {', '.join(cls.COLUMNS)} from {table}")
        return cls(cls.ROW(*row) for row in rows or [])


class ProfileLedger(_CachedLedger[ProfileFetch]):
    TABLE, COLUMNS, ROW = PROFILES_FETCHED_TABLE, PROFILES_FETCHED_COLUMNS, ProfileFetch

    def fetched(self, username: str, etag: str | None, max_age_s: int, now: datetime | None = None) -> None:
        fresh_until = (now or datetime.now(UTC)) + timedelta(seconds=max_age_s)
        self._record(ProfileFetch(username, etag or self._known_etag(username), fresh_until))


class StatsLedger(_CachedLedger[StatsFetch]):
    TABLE, COLUMNS, ROW = STATS_FETCHED_TABLE, STATS_FETCHED_COLUMNS, StatsFetch

    def fetched(
        self,
        username: str,
        etag: str | None,
        max_age_s: int,
        kinds: Collection[str] | None,
        now: datetime | None = None,
    ) -> None:
        known = self._get(username)
        listed = ",".join(sorted(kinds)) if kinds is not None else (known.kinds if known else None)
        fresh_until = (now or datetime.now(UTC)) + timedelta(seconds=max_age_s)
        self._record(StatsFetch(username, etag or self._known_etag(username), fresh_until, listed))


def read_archive_ledger(
    client: SqlClientBase, months: Sequence[str], tables: Collection[str]
) -> ArchiveLedger:
    if not months or ARCHIVES_TABLE not in tables:
        return ArchiveLedger()
    table = client.make_qualified_table_name(ARCHIVES_TABLE)
    rows = client.execute_sql(
        f"select archive, username, month, etag, closed, {_games_column(client)} from {table} "
        "where month between %s and %s",
        min(months),
        max(months),
    )
    return ArchiveLedger(Archive(*row) for row in rows or [])


def _games_column(client: SqlClientBase) -> str:
    return "games" if "games" in existing_columns(client, ARCHIVES_TABLE) else "null"


def read_open_months(client: SqlClientBase, before: str) -> list[str]:
    """Months fetched before they closed may have grown since, so the schedule asks again; only
    for players still loaded, or a dropped player's months would stay open for ever."""
    tables = existing_tables(client)
    if ARCHIVES_TABLE not in tables:
        return []
    sql = f"select distinct month from {client.make_qualified_table_name(ARCHIVES_TABLE)} "
    sql += "where not closed and month < %s"
    if PLAYERS_TABLE in tables:
        sql += f" and username in (select username from {client.make_qualified_table_name(PLAYERS_TABLE)})"
    rows = client.execute_sql(sql + " order by month", before)
    return [month for (month,) in rows or []]


def read_months_listed(client: SqlClientBase) -> list[str]:
    if ARCHIVES_TABLE not in existing_tables(client) or _games_column(client) == "null":
        return []
    table = client.make_qualified_table_name(ARCHIVES_TABLE)
    rows = client.execute_sql(f"select distinct month from {table} where games > 0")
    return [month for (month,) in rows or []]


def read_archive_counts(client: SqlClientBase, months: Sequence[str]) -> dict[str, dict[str, int | None]]:
    if not months or ARCHIVES_TABLE not in existing_tables(client):
        return {}
    rows = client.execute_sql(
        f"select month, username, {_games_column(client)} "
        f"from {client.make_qualified_table_name(ARCHIVES_TABLE)} "
        f"where month in ({', '.join(['%s'] * len(months))})",
        *months,
    )
    counts: dict[str, dict[str, int | None]] = {}
    for month, username, games in rows or []:
        counts.setdefault(month, {})[username] = None if games is None else int(games)
    return counts


def read_loaded_players(client: SqlClientBase, tables: Collection[str]) -> list[str] | None:
    if PLAYERS_TABLE not in tables:
        return None
    rows = client.execute_sql(f"select username from {client.make_qualified_table_name(PLAYERS_TABLE)}")
    return [username for (username,) in rows or []]
