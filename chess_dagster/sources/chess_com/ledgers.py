"""What the source remembers between loads, so that a load asks only for what may have changed.

* ``players_archives``: the monthly archives fetched, their ETags, how many games each listed,
  closed or not (fetched once its Pacific month had ended and settled, ``months.is_closed``).
  A closed month once loaded is not asked for again; an open one is asked for with its ETag
  (``304``: unchanged). The games counts are what the row-count check holds the warehouse to.
* ``players_profiles_fetched``: each profile's ETag and until when Chess.com said it stays fresh
  (``Cache-Control: max-age``; the API refreshes its data every 12-24 hours). A fresh profile is
  not asked for; a stale one is asked for with its ETag, and a ``304`` rewrites nothing.
* ``players_stats_fetched``: the same for each player's stats, with the rating kinds the last
  answer held (what the stats check holds ``players_stats`` to).
* ``players`` itself: a roster that names the same players is not written again.

Kept in tables beside the data, one row per archive or profile merged by its key, not in dlt's
resource state: dlt rewrites its whole state with every load, so two loads at once overwrite each
other's memory, and the blob grows with players x months. Rows are written after the data they
describe has landed (``load_history``), so a ledger never claims what the warehouse does not hold;
a load that fails in between only asks again.
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
    """One player's month as last fetched: ``closed`` once the month had ended when it was fetched,
    ``games`` the games its archive listed (0: no archive for the month)."""

    archive: str
    username: str
    month: str
    etag: str | None
    closed: bool
    games: int | None = None


@dataclass(frozen=True)
class ProfileFetch:
    """One player's profile as last fetched: its ETag, and until when it stays fresh."""

    username: str
    etag: str | None
    fresh_until: datetime


@dataclass(frozen=True)
class StatsFetch:
    """One player's stats as last fetched: as a profile, plus the rating kinds the answer held
    (comma-separated, sorted)."""

    username: str
    etag: str | None
    fresh_until: datetime
    kinds: str | None


Row = TypeVar("Row", Archive, ProfileFetch, StatsFetch)
Cached = TypeVar("Cached", ProfileFetch, StatsFetch)


class _Ledger(Generic[Row]):
    """Rows known before a load (read from the warehouse) and those recorded during it, by key,
    kept in ``TABLE``. Shared by the source's transformer threads, so every access takes the lock.
    """

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
        """What this load learnt, to merge into the table: rows new or changed."""
        with self._lock:
            return [asdict(row) for key, row in self._fetched.items() if self._known.get(key) != row]

    def resource(self) -> DltResource:
        """This load's :meth:`rows`, merged into ``TABLE`` by the key."""
        return dlt.resource(self.rows(), name=self.TABLE, write_disposition="merge", columns=self.COLUMNS)


class ArchiveLedger(_Ledger[Archive]):
    """The monthly archives: which a load may skip, which ETag it asks with."""

    TABLE, COLUMNS = ARCHIVES_TABLE, ARCHIVES_COLUMNS

    @staticmethod
    def _key(row: Archive) -> str:
        return row.archive

    def closed_and_loaded(self, username: str, month: str) -> bool:
        known = self._get(month_path(username, month))
        return known is not None and known.closed

    def etag(self, username: str, month: str) -> str | None:
        """The ETag to ask with (``If-None-Match``), if the archive was fetched before with its games
        counted: one recorded before the count was is asked for whole (a 304 would not count it)."""
        known = self._get(month_path(username, month))
        return known.etag if known is not None and known.games is not None else None

    def fetched(self, username: str, month: str, etag: str | None, games: int | None) -> None:
        """Record an archive answered: 200 with its ``games`` count, 304 (``games`` None: the known
        ETag and count are kept), or no archive for the month (``games`` 0)."""
        path = month_path(username, month)
        known = self._get(path)
        if games is None and known is not None:  # 304: unchanged since the known fetch
            etag, games = etag or known.etag, known.games
        self._record(Archive(path, username, month, etag, is_closed(month), games))


class _CachedLedger(_Ledger[Cached]):
    """Answers Chess.com says stay fresh for a while (``Cache-Control: max-age``), by username."""

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
        """The answers the warehouse holds, as last fetched (none before the table exists): its
        ``COLUMNS`` in the order of ``ROW``'s fields."""
        if cls.TABLE not in tables:
            return cls()
        table = client.make_qualified_table_name(cls.TABLE)
        rows = client.execute_sql(f"select {', '.join(cls.COLUMNS)} from {table}")
        return cls(cls.ROW(*row) for row in rows or [])


class ProfileLedger(_CachedLedger[ProfileFetch]):
    """The profiles: which are still fresh, which ETag a stale one is asked with."""

    TABLE, COLUMNS, ROW = PROFILES_FETCHED_TABLE, PROFILES_FETCHED_COLUMNS, ProfileFetch

    def fetched(self, username: str, etag: str | None, max_age_s: int, now: datetime | None = None) -> None:
        """Record a profile answered 200 or 304 (an unchanged ETag is kept), fresh for ``max_age_s``."""
        fresh_until = (now or datetime.now(UTC)) + timedelta(seconds=max_age_s)
        self._record(ProfileFetch(username, etag or self._known_etag(username), fresh_until))


class StatsLedger(_CachedLedger[StatsFetch]):
    """The players' stats: which are still fresh, which ETag stale ones are asked with, and the
    rating kinds each answer held."""

    TABLE, COLUMNS, ROW = STATS_FETCHED_TABLE, STATS_FETCHED_COLUMNS, StatsFetch

    def fetched(
        self,
        username: str,
        etag: str | None,
        max_age_s: int,
        kinds: Collection[str] | None,
        now: datetime | None = None,
    ) -> None:
        """Record stats answered 200 with their ``kinds``, or 304 (``kinds`` None: the known are kept)."""
        known = self._get(username)
        listed = ",".join(sorted(kinds)) if kinds is not None else (known.kinds if known else None)
        fresh_until = (now or datetime.now(UTC)) + timedelta(seconds=max_age_s)
        self._record(StatsFetch(username, etag or self._known_etag(username), fresh_until, listed))


def read_archive_ledger(
    client: SqlClientBase, months: Sequence[str], tables: Collection[str]
) -> ArchiveLedger:
    """The archives of ``months`` the warehouse holds (``tables``: the dataset's tables now)."""
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
    """``games``, or ``null`` in a ledger written before the count was recorded."""
    return "games" if "games" in existing_columns(client, ARCHIVES_TABLE) else "null"


def read_open_months(client: SqlClientBase, before: str) -> list[str]:
    """Months before ``before`` that the ledger holds as fetched before they closed, for a player
    the warehouse holds now (when it holds the roster), ascending: their archives may have grown
    since, so the schedule asks for them again. A player no longer loaded is not asked for, so
    their months would stay open for ever."""
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
    """Months whose archives listed games at their last fetch (none before counts were recorded)."""
    if ARCHIVES_TABLE not in existing_tables(client) or _games_column(client) == "null":
        return []
    table = client.make_qualified_table_name(ARCHIVES_TABLE)
    rows = client.execute_sql(f"select distinct month from {table} where games > 0")
    return [month for (month,) in rows or []]


def read_archive_counts(client: SqlClientBase, months: Sequence[str]) -> dict[str, dict[str, int | None]]:
    """Per month of ``months``, per player, the games the archive listed at its last fetch (None:
    a row recorded before the count was)."""
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
    """The players the warehouse holds (``players``), None before the roster's first load."""
    if PLAYERS_TABLE not in tables:
        return None
    rows = client.execute_sql(f"select username from {client.make_qualified_table_name(PLAYERS_TABLE)}")
    return [username for (username,) in rows or []]
