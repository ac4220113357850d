"""What the chess source's resources share in one load, explicit in one object, so that the caller
can fill what it knows before the load and read back what the load did."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import pyarrow as pa
import pyarrow.compute as pc

from chess_dagster.lib.errors import ChessConfigError, UnknownPlayerError
from chess_dagster.sources.chess_com.client import ChessApiClient, RequestStats
from chess_dagster.sources.chess_com.ledgers import ArchiveLedger, ProfileLedger, StatsLedger
from chess_dagster.sources.chess_com.progress import SourceProgress
from chess_dagster.sources.chess_com.roster import (
    Roster,
    RosterLists,
    StoredMembership,
    membership_changes,
    read_roster,
)
from chess_dagster.sources.chess_com.tables import (
    CLUBS,
    COUNTRIES,
    GAMES,
    PLAYERS,
    PROFILES,
    ROSTER_MEMBERS,
    STATS,
    table,
)

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
    """The roster (``roster()``, once per load) is read from the lists when ``read_lists`` (a roster
    load) or the warehouse holds none (``loaded_players``), else it is the warehouse's. ``only`` narrows a
    load's games to those players of the roster (a newcomers' run)."""

    ledgers: Ledgers = field(default_factory=Ledgers)
    loaded_players: Collection[str] | None = None
    stored_memberships: list[StoredMembership] = field(default_factory=list)
    read_lists: bool = True
    only: frozenset[str] = frozenset()
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    requests: RequestStats = field(default_factory=RequestStats)
    progress: SourceProgress = field(default_factory=SourceProgress)
    months: list[str] = field(default_factory=list)
    recheck_closed_months: bool = False
    usernames_listed: set[str] = field(default_factory=set)
    closed_accounts: set[str] = field(default_factory=set)
    _api: ChessApiClient | None = None
    _settings: Callable[[], RosterLists] = RosterLists
    _lists: RosterLists | None = None
    _roster: Roster | None = None
    # Only games between two players of the load: every game's url would grow with the backfill.
    _seen_urls: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(
        self,
        api: ChessApiClient,
        months: list[str],
        recheck_closed_months: bool,
        lists: Callable[[], RosterLists],
    ) -> None:
        """``lists`` checks the roster's settings when the roster is first read, not before: the
        code location describes the source with whatever the environment holds."""
        self._api, self.months, self.recheck_closed_months = api, months, recheck_closed_months
        self._settings = lists

    @property
    def lists(self) -> RosterLists:
        if self._lists is None:
            self._lists = self._settings()
        return self._lists

    @property
    def client(self) -> ChessApiClient:
        assert self._api is not None, "the source starts the state before its resources run"
        return self._api

    def roster(self) -> Roster:
        """Read once per load; the lists only when the warehouse has no roster or the load is the
        roster's: a 10,000-name list is not read again by every games load."""
        with self._lock:
            if self._roster is None:
                stored = self.loaded_players
                self._roster = (
                    read_roster(self.client, self.lists)
                    if self.read_lists or stored is None
                    else Roster(usernames=sorted(name.lower() for name in stored))
                )
            return self._roster

    def players_now(self) -> list[str]:
        return self.roster().usernames

    def membership_changes(self) -> list[dict[str, Any]]:
        return membership_changes(self.roster().memberships, self.stored_memberships, self.started_at)

    def missing(self, username: str, what: str) -> None:
        """A configured player must exist; a listed one may close their account between list and fetch."""
        if self.lists.names_only:
            raise UnknownPlayerError(
                f"Chess.com has no player {username!r} ({what} answered 404); "
                "remove it from sources.chess.players"
            )
        with self._lock:
            self.closed_accounts.add(username)
        log.warning("player %r vanished from Chess.com between listing and %s; skipped", username, what)

    def players_of_games(self) -> list[str]:
        """The roster's players whose games this load asks for: a name of ``only`` must be on it."""
        listed = self.roster().usernames
        if not self.only:
            return listed
        strangers = sorted(self.only - set(listed))
        if strangers:
            raise ChessConfigError(
                f"the run's players {strangers[:10]} are not on the roster (chess/players); "
                "load the roster first, or leave them out of the run's config"
            )
        return [name for name in listed if name in self.only]

    def months_to_ask(self, username: str) -> list[str]:
        archives = self.ledgers.archives
        return [
            m
            for m in self.months
            if self.recheck_closed_months or not archives.closed_and_loaded(username, m)
        ]

    def nothing_to_do(self, tables: Sequence[str]) -> dict[str, str]:
        if self._roster is None or self.loaded_players is None:
            return {}
        listed = self._roster.usernames
        idle = {
            PLAYERS.name: set(listed) == {name.lower() for name in self.loaded_players},
            PROFILES.name: all(self.ledgers.profiles.fresh(name) for name in listed),
            STATS.name: all(self.ledgers.stats.fresh(name) for name in listed),
            GAMES.name: not any(self.months_to_ask(name) for name in self.players_of_games()),
            ROSTER_MEMBERS.name: self.read_lists and not self.membership_changes(),
            CLUBS.name: not self.lists.clubs,
            COUNTRIES.name: not self.lists.countries,
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
