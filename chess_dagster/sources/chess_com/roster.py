"""Who the roster is: the union of the configured lists (names, titles, clubs, countries), read once per
roster load, in a fixed order so that ``max_players`` keeps the same players every time, and what
changed in each player's memberships since the last roster load (docs/data.md)."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dlt.destinations.sql_client import SqlClientBase

from chess_dagster.lib.errors import ChessApiError, ChessConfigError
from chess_dagster.sources.chess_com.client import ChessApiClient
from chess_dagster.sources.chess_com.tables import ROSTER_MEMBERS

log = logging.getLogger(__name__)

DEFAULT_MAX_PLAYERS = 10
DEFAULT_TITLE = "GM"
TITLES = ("GM", "WGM", "IM", "WIM", "FM", "WFM", "NM", "WNM", "CM", "WCM")
# The club members' lists, in the order the roster reads them (a member is in exactly one).
CLUB_ACTIVITY = ("weekly", "monthly", "all_time")
# The kinds of list a player comes from, in the order ``max_players`` counts them.
NAME, TITLE, CLUB, COUNTRY = "name", "title", "club", "country"


@dataclass(frozen=True)
class RosterLists:
    """The lists ``sources.chess`` names; checked before any request is made."""

    players: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    clubs: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    max_players: int = DEFAULT_MAX_PLAYERS

    @classmethod
    def checked(
        cls,
        title: str | None,
        titles: Sequence[str] | None,
        clubs: Sequence[str] | None,
        countries: Sequence[str] | None,
        players: Sequence[str] | None,
        max_players: int,
    ) -> RosterLists:
        """``title`` is the older spelling of ``titles = [title]``; with nothing set, the GMs."""
        if title is not None and titles is not None:
            raise ChessConfigError(
                "sources.chess.title and sources.chess.titles are both set; keep titles (a list) only"
            )
        lists = cls(
            players=_unique(name.lower() for name in players or ()),
            titles=_unique(t.upper() for t in ([title] if title is not None else titles or ())),
            clubs=_unique(club.lower() for club in clubs or ()),
            countries=_unique(iso.upper() for iso in countries or ()),
            max_players=max_players,
        )
        if not (lists.players or lists.titles or lists.clubs or lists.countries):
            lists = cls(titles=(DEFAULT_TITLE,), max_players=max_players)
        lists._check()
        return lists

    def _check(self) -> None:
        unknown = [title for title in self.titles if title not in TITLES]
        if unknown:
            raise ChessConfigError(
                f"sources.chess.titles has {unknown[0]!r}, not a Chess.com title; use {', '.join(TITLES)}"
            )
        odd = [iso for iso in self.countries if len(iso) != 2 or not iso.isalpha()]
        if odd:
            raise ChessConfigError(f"sources.chess.countries has {odd[0]!r}; write ISO 3166 codes such as NO")
        if self.max_players <= 0:
            raise ChessConfigError(f"sources.chess.max_players={self.max_players} must be at least 1")
        if len(self.players) > self.max_players:
            raise ChessConfigError(
                f"sources.chess.players names {len(self.players)} players, more than "
                f"sources.chess.max_players={self.max_players}; raise max_players"
            )

    @property
    def names_only(self) -> bool:
        """Every player named by hand: one Chess.com does not know is a configuration error."""
        return not (self.titles or self.clubs or self.countries)


def _unique(values: Iterator[str] | Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


@dataclass(frozen=True)
class Membership:
    """A player is on the roster through this list: ``source_id`` is the title, the club's url-id or
    the country's ISO code ('' for a name of ``sources.chess.players``)."""

    username: str
    kind: str
    source_id: str


@dataclass
class Roster:
    """The lists as read: the players (the union, capped) and, for each, the lists naming them."""

    usernames: list[str]
    memberships: list[Membership] = field(default_factory=list)
    clubs: list[dict[str, Any]] = field(default_factory=list)
    countries: list[dict[str, Any]] = field(default_factory=list)
    reduced: list[str] = field(default_factory=list)  # lists the API answered in part, and its words


def read_roster(client: ChessApiClient, lists: RosterLists) -> Roster:
    """Names first, then titles, clubs and countries, each list in the API's order."""
    found = [Membership(name, NAME, "") for name in lists.players]
    for title in lists.titles:
        answer = _list_answer(client, f"titled/{title}", "titles", title)
        found += [Membership(name.lower(), TITLE, title) for name in answer["players"]]
    roster = Roster(usernames=[])
    for club in lists.clubs:
        roster.clubs.append({**_list_answer(client, f"club/{club}", "clubs", club), "url_id": club})
        members = _list_answer(client, f"club/{club}/members", "clubs", club)
        found += [
            Membership(member["username"].lower(), CLUB, club)
            for activity in CLUB_ACTIVITY
            for member in members.get(activity, [])
        ]
    for iso in lists.countries:
        roster.countries.append(_list_answer(client, f"country/{iso}", "countries", iso))
        answer = _list_answer(client, f"country/{iso}/players", "countries", iso)
        if answer.get("comment"):
            roster.reduced.append(f"country/{iso}/players: {answer['comment']}")
        found += [Membership(name.lower(), COUNTRY, iso) for name in answer["players"]]
    roster.usernames = list(dict.fromkeys(m.username for m in found))[: lists.max_players]
    kept = set(roster.usernames)
    roster.memberships = list(dict.fromkeys(m for m in found if m.username in kept))
    for words in roster.reduced:
        log.warning("Chess.com answered a list in part: %s", words)
    return roster


def _list_answer(client: ChessApiClient, path: str, setting: str, value: str) -> dict[str, Any]:
    answer = client.get_json(path)
    if answer is None:
        raise ChessApiError(
            f"{client.url(path)} answered 404: check {value!r} in sources.chess.{setting} "
            "(and sources.chess.chess_url)"
        )
    return answer


@dataclass(frozen=True)
class StoredMembership:
    """A membership the warehouse holds as current (``roster_members`` without ``left_at``)."""

    membership: Membership
    first_seen: datetime


def membership_changes(
    now: Sequence[Membership], stored: Sequence[StoredMembership], at: datetime
) -> list[dict[str, Any]]:
    """The ``roster_members`` rows a roster load writes: a stint that begins (``first_seen`` = ``at``)
    or ends (``left_at`` = ``at``); an unchanged membership writes nothing."""
    current = set(now)
    open_stints = {row.membership: row.first_seen for row in stored}
    began = [_stint(m, at, None) for m in now if m not in open_stints]
    ended = [_stint(m, since, at) for m, since in open_stints.items() if m not in current]
    return began + ended


def _stint(membership: Membership, first_seen: datetime, left_at: datetime | None) -> dict[str, Any]:
    return {
        "username": membership.username,
        "kind": membership.kind,
        "source_id": membership.source_id,
        "first_seen": first_seen,
        "left_at": left_at,
    }


def read_open_memberships(client: SqlClientBase, tables: Collection[str]) -> list[StoredMembership]:
    """The stints still open, which the next roster load closes if their list no longer names them."""
    if ROSTER_MEMBERS.name not in tables:
        return []
    rows = client.execute_sql(
        f"select username, kind, source_id, first_seen from "
        f"{client.make_qualified_table_name(ROSTER_MEMBERS.name)} where left_at is null"
    )
    return [
        StoredMembership(Membership(username, kind, source_id), first_seen)
        for username, kind, source_id, first_seen in rows or []
    ]
