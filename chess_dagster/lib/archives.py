"""What the source remembers between loads: the monthly archives fetched, their ETags, closed or not.

Kept in the table ``players_archives`` beside the data, one row per archive merged by its path
(``player/{username}/games/{YYYY}/{MM}``), not in dlt's resource state: dlt rewrites its whole
state with every load, so two loads at once overwrite each other's memory, and the blob grows with
players x months. Rows are written after the games they describe have landed (``load_history``),
so the table never claims a month the warehouse does not hold; a load that fails in between only
downloads that month again.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass

import dlt
from dlt.common.schema.typing import TTableSchemaColumns
from dlt.destinations.sql_client import SqlClientBase
from dlt.extract import DltResource

from chess_dagster.lib.months import is_closed, month_path

ARCHIVES_TABLE = "players_archives"
# Typed up front: a column dlt first sees as null only (no ETag yet) would not be created.
ARCHIVES_COLUMNS: TTableSchemaColumns = {
    "archive": {"data_type": "text", "nullable": False, "primary_key": True},
    "username": {"data_type": "text", "nullable": False},
    "month": {"data_type": "text", "nullable": False},
    "etag": {"data_type": "text", "nullable": True},
    "closed": {"data_type": "bool", "nullable": False},
}


@dataclass(frozen=True)
class Archive:
    """One player's month as last fetched: ``closed`` once the month had ended when it was fetched."""

    archive: str
    username: str
    month: str
    etag: str | None
    closed: bool


class ArchiveLedger:
    """The archives known before a load (read from the warehouse) and those fetched during it.

    Shared by the source's transformer threads, so every method takes the lock.
    """

    def __init__(self, known: Iterable[Archive] = ()) -> None:
        self._known = {archive.archive: archive for archive in known}
        self._fetched: dict[str, Archive] = {}
        self._lock = threading.Lock()

    def closed_and_loaded(self, username: str, month: str) -> bool:
        with self._lock:
            known = self._known.get(month_path(username, month))
            return known is not None and known.closed

    def etag(self, username: str, month: str) -> str | None:
        """The ETag to ask with (``If-None-Match``), if the archive was fetched before."""
        with self._lock:
            known = self._known.get(month_path(username, month))
            return known.etag if known else None

    def fetched(self, username: str, month: str, etag: str | None) -> None:
        """Record an archive answered (200, 304, or no games); an unchanged ETag is kept."""
        path = month_path(username, month)
        with self._lock:
            known = self._known.get(path)
            etag = etag or (known.etag if known else None)
            self._fetched[path] = Archive(path, username, month, etag, is_closed(month))

    def rows(self) -> list[dict[str, object]]:
        """What this load learnt, to merge into the table: archives new or changed."""
        with self._lock:
            return [asdict(a) for path, a in self._fetched.items() if self._known.get(path) != a]


def read_ledger(client: SqlClientBase, months: Sequence[str], tables: Collection[str]) -> ArchiveLedger:
    """The archives of ``months`` the warehouse holds (``tables``: the dataset's tables now)."""
    if not months or ARCHIVES_TABLE not in tables:
        return ArchiveLedger()
    table = client.make_qualified_table_name(ARCHIVES_TABLE)
    rows = client.execute_sql(
        f"select archive, username, month, etag, closed from {table} where month between %s and %s",
        min(months),
        max(months),
    )
    return ArchiveLedger(Archive(*row) for row in rows or [])


def archives_resource(rows: list[dict[str, object]]) -> DltResource:
    """Archives new or changed (``ArchiveLedger.rows``), merged into ``players_archives`` by path."""
    return dlt.resource(rows, name=ARCHIVES_TABLE, write_disposition="merge", columns=ARCHIVES_COLUMNS)
