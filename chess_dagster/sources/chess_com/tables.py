"""The chess source's tables, each declared once, so that dlt's hints and the Dagster side (assets,
partitions, jobs, the drift sensor) derive from one list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dlt.common.schema.typing import TTableSchemaColumns


def _timestamps(*names: str) -> TTableSchemaColumns:
    return {name: {"data_type": "timestamp"} for name in names}


@dataclass(frozen=True)
class Table:
    """``unchanged``: why a load may have nothing to ask Chess.com for it, told on the materialization."""

    name: str
    endpoint: str
    parent: str | None
    write_disposition: Any
    primary_key: str | tuple[str, ...]
    unchanged: str
    by_month: bool = False
    merge_key: str | None = None
    columns: TTableSchemaColumns = field(default_factory=dict)

    @property
    def with_roster(self) -> bool:
        return not self.by_month

    def hints(self) -> dict[str, Any]:
        """Fresh for each source: dlt edits the dicts it is given."""
        hints: dict[str, Any] = {
            "write_disposition": self.write_disposition,
            "primary_key": self.primary_key,
            "columns": {name: dict(spec) for name, spec in self.columns.items()},
        }
        if self.merge_key:
            hints["merge_key"] = self.merge_key
        return hints


PLAYERS = Table(
    name="players",
    # The union of the configured lists (sources/chess_com/roster.py): the current roster.
    endpoint="titled/{title}, club/{url-id}/members, country/{iso}/players, sources.chess.players",
    parent=None,
    write_disposition="replace",
    primary_key="username",
    unchanged="Chess.com lists the players the warehouse holds",
)
PROFILES = Table(
    name="players_profiles",
    endpoint="player/{username}",
    parent="players",
    write_disposition="merge",
    primary_key="player_id",
    unchanged="every profile is fresh (Cache-Control: max-age)",
    columns=_timestamps("joined", "last_online"),
)
STATS = Table(
    name="players_stats",
    endpoint="player/{username}/stats",
    parent="players",
    # A player's rows are replaced whole (merge_key): a kind the endpoint stops returning goes.
    write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    primary_key=("username", "kind"),
    merge_key="username",
    unchanged="every player's stats are fresh (Cache-Control: max-age)",
    columns={
        "username": {"data_type": "text", "nullable": False},
        "kind": {"data_type": "text", "nullable": False},
        **{name: {"data_type": "bigint"} for name in ("last_rating", "last_rd", "best_rating")},
        **{name: {"data_type": "bigint"} for name in ("wins", "losses", "draws", "time_per_move")},
        **_timestamps("last_date", "best_date"),
        "best_game": {"data_type": "text"},
        "timeout_percent": {"data_type": "double"},
    },
)
GAMES = Table(
    name="players_games",
    endpoint="player/{username}/games/{YYYY}/{MM}",
    parent="players",
    # A load yields each game once (ChessState.first_seen), so dlt's costly dedup pass is skipped.
    write_disposition={"disposition": "merge", "strategy": "delete-insert", "deduplicated": True},
    primary_key="url",
    unchanged="every month is closed and loaded",
    by_month=True,
    columns=_timestamps("end_time", "start_time"),
)
ROSTER_MEMBERS = Table(
    name="roster_members",
    endpoint="titled/{title}, club/{url-id}/members, country/{iso}/players, sources.chess.players",
    parent=None,
    # One row per stint on a list: a row is written when it begins and again when it ends.
    write_disposition="merge",
    primary_key=("username", "kind", "source_id", "first_seen"),
    unchanged="every player is on the lists the last roster load found",
    columns={
        **{name: {"data_type": "text", "nullable": False} for name in ("username", "kind", "source_id")},
        "first_seen": {"data_type": "timestamp", "nullable": False},
        "left_at": {"data_type": "timestamp", "nullable": True},
    },
)
CLUBS = Table(
    name="clubs",
    endpoint="club/{url-id}",
    parent=None,
    write_disposition="merge",
    primary_key="club_id",
    unchanged="no clubs in sources.chess.clubs",
    columns={
        "url_id": {"data_type": "text", "nullable": False},
        "admin": {"data_type": "json"},
        **_timestamps("created", "last_activity"),
    },
)
COUNTRIES = Table(
    name="countries",
    endpoint="country/{iso}",
    parent=None,
    write_disposition="merge",
    primary_key="code",
    unchanged="no countries in sources.chess.countries",
)
TABLES = (PLAYERS, PROFILES, STATS, GAMES, ROSTER_MEMBERS, CLUBS, COUNTRIES)
TABLE_NAMES = tuple(table.name for table in TABLES)


def table(name: str) -> Table:
    for declared in TABLES:
        if declared.name == name:
            return declared
    raise KeyError(f"no chess table {name!r}; the tables are {', '.join(TABLE_NAMES)}")
