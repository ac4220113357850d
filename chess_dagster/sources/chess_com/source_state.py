"""What the chess source's resources share in one load, explicit in one object, so that the caller
can fill what it knows before the load and read back what the load did."""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import cast

import pyarrow as pa
import pyarrow.compute as pc

from chess_dagster.lib.errors import ChessApiError, UnknownPlayerError
from chess_dagster.sources.chess_com.client import ChessApiClient, RequestStats
from chess_dagster.sources.chess_com.ledgers import ArchiveLedger, ProfileLedger, StatsLedger
from chess_dagster.sources.chess_com.progress import SourceProgress
from chess_dagster.sources.chess_com.tables import GAMES, PLAYERS, PROFILES, STATS, table

log = logging.getLogger(__name__)
SIDES = ("white", "black")


@dataclass
class Ledgers:
    archives: ArchiveLedger = field(default_factory=ArchiveLedger)
    profiles: ProfileLedger = field(default_factory=ProfileLedger)
    stats: StatsLedger = field(default_factory=StatsLedger)

    def all(self) -> tuple[ArchiveLedger, ProfileLedger, StatsLedger]:
        return self.archives, self.profiles, self.stats

    def learnt(self) -> bool:
        return any(ledger.rows() for ledger in self.all())


@dataclass
class ChessState:
    """``loaded_players`` given, the roster is read when the source is made, for ``nothing_to_do``."""

    ledgers: Ledgers = field(default_factory=Ledgers)
    loaded_players: Collection[str] | None = None
    requests: RequestStats = field(default_factory=RequestStats)
    progress: SourceProgress = field(default_factory=SourceProgress)
    months: list[str] = field(default_factory=list)
    recheck_closed_months: bool = False
    usernames_listed: set[str] = field(default_factory=set)
    _api: ChessApiClient | None = None
    _asked_for: tuple[str, int, list[str] | None] = ("GM", 1, None)
    _listed: list[str] | None = None
    # Only games between two players of the load: every game's url would grow with the backfill.
    _seen_urls: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(
        self,
        api: ChessApiClient,
        months: list[str],
        recheck_closed_months: bool,
        asked_for: tuple[str, int, list[str] | None],
    ) -> None:
        self._api, self.months, self.recheck_closed_months = api, months, recheck_closed_months
        self._asked_for = asked_for
        if self.loaded_players is not None:
            self._listed = self._read_players()

    @property
    def client(self) -> ChessApiClient:
        assert self._api is not None, "the source starts the state before its resources run"
        return self._api

    def players_now(self) -> list[str]:
        return self._listed if self._listed is not None else self._read_players()

    def _read_players(self) -> list[str]:
        title, max_players, configured = self._asked_for
        if configured is not None:
            return list(dict.fromkeys(name.lower() for name in configured))
        listed = self.client.get_json(f"titled/{title}")
        if listed is None:
            url = self.client.url(f"titled/{title}")
            raise ChessApiError(f"{url} answered 404; check sources.chess.chess_url")
        return list(dict.fromkeys(name.lower() for name in listed["players"][:max_players]))

    def missing(self, username: str, what: str) -> None:
        """A configured player must exist; a listed one may vanish between list and fetch."""
        if self._asked_for[2] is not None:
            raise UnknownPlayerError(
                f"Chess.com has no player {username!r} ({what} answered 404); "
                "remove it from sources.chess.players"
            )
        log.warning("player %r vanished from Chess.com between listing and %s; skipped", username, what)

    def months_to_ask(self, username: str) -> list[str]:
        archives = self.ledgers.archives
        return [
            m
            for m in self.months
            if self.recheck_closed_months or not archives.closed_and_loaded(username, m)
        ]

    def nothing_to_do(self, tables: Sequence[str]) -> dict[str, str]:
        if self._listed is None or self.loaded_players is None:
            return {}
        idle = {
            PLAYERS.name: set(self._listed) == {name.lower() for name in self.loaded_players},
            PROFILES.name: all(self.ledgers.profiles.fresh(name) for name in self._listed),
            STATS.name: all(self.ledgers.stats.fresh(name) for name in self._listed),
            GAMES.name: not any(self.months_to_ask(name) for name in self._listed),
        }
        return {name: table(name).unchanged for name in tables if idle.get(name)}

    def first_seen(self, games: pa.Table) -> pa.Table:
        if not all(f"{side}__username" in games.column_names for side in SIDES):
            return games
        players_of_load = pa.array(sorted(self.usernames_listed), pa.string())
        both_in_load = pc.and_(
            *(pc.is_in(pc.utf8_lower(games.column(f"{side}__username")), players_of_load) for side in SIDES)
        ).to_pylist()
        if not any(both_in_load):
            return games
        urls = cast(list[str], games.column("url").to_pylist())
        keep = []
        with self._lock:
            for url, shared in zip(urls, both_in_load, strict=True):
                keep.append(not shared or url not in self._seen_urls)
                if shared:
                    self._seen_urls.add(url)
        return games.filter(pa.array(keep, pa.bool_()))
