"""The dlt ``chess`` source: Chess.com players, their profiles and their monthly game archives.

Grown from dlt's chess production example, made safe to re-run: players are replaced, profiles
merged on ``player_id`` and games merged on ``url`` (the one id every game has; ``uuid`` is absent
from older archives), so loading a month twice leaves the same rows.

Reads like the API::

    titled/{title} ─ players ─┬─ player/{username}                      → players_profiles
                              └─ player/{username}/games/archives
                                 └─ player/{username}/games/{YYYY}/{MM} → players_games
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from typing import Any

import dlt
from dlt.sources import DltResource

from chess_dagster.sources.client import (
    DEFAULT_CHESS_URL,
    DEFAULT_USER_AGENT,
    ChessApiClient,
    ChessApiError,
    ChessConfigError,
)

log = logging.getLogger(__name__)

DEFAULT_MAX_PLAYERS = 10
TITLES = ("GM", "WGM", "IM", "WIM", "FM", "WFM", "NM", "WNM", "CM", "WCM")



class UnknownPlayerError(ChessConfigError):
    """A player named in the configuration does not exist on Chess.com."""


def _timestamps(*names: str) -> dict[str, dict[str, str]]:
    """Column hints for fields the API gives as epoch seconds (a fresh dict each: dlt edits them)."""
    return {name: {"data_type": "timestamp"} for name in names}


def current_month() -> str:
    return time.strftime("%Y-%m", time.gmtime())


def _month_path(username: str, month: str) -> str:
    year, mm = month.split("-")
    return f"player/{username}/games/{year}/{mm}"


@dlt.source(name="chess", max_table_nesting=1)
def chess(
    chess_url: str = DEFAULT_CHESS_URL,
    user_agent: str = DEFAULT_USER_AGENT,
    title: str = "GM",
    max_players: int = DEFAULT_MAX_PLAYERS,
    players: list[str] | None = None,
    months: Sequence[str] | None = None,
) -> Sequence[DltResource]:
    """Chess.com data for titled players (or an explicit ``players`` list).

    Args:
        chess_url: PubAPI base URL, ``https://api.chess.com/pub/`` for the real API.
        user_agent: sent with every request; Chess.com wants a contact in it.
        title: which titled list to read (GM, IM, ...) when ``players`` is not given.
        max_players: how many players of the titled list to load.
        players: explicit usernames; replaces the titled list. Unknown names fail the load.
        months: ``YYYY-MM`` months whose game archives to load; the current month if not given.
    """
    title = title.upper()
    if title not in TITLES:
        raise ChessConfigError(
            f"sources.chess.title={title!r} is not a Chess.com title; use one of {', '.join(TITLES)}"
        )
    if players is None and max_players <= 0:
        raise ChessConfigError(f"sources.chess.max_players={max_players} must be at least 1")
    api = ChessApiClient(chess_url, user_agent)
    wanted_months = list(months) if months is not None else [current_month()]
    explicit = players is not None
    seen_urls: set[str] = set()

    def missing(username: str, what: str) -> None:
        """A configured player must exist; a listed one may vanish between list and fetch."""
        if explicit:
            raise UnknownPlayerError(
                f"Chess.com has no player {username!r} ({what} answered 404); "
                "remove it from sources.chess.players"
            )
        log.warning("player %r vanished from Chess.com between listing and %s; skipped", username, what)

    @dlt.resource(name="players", write_disposition="replace", primary_key="username")
    def players_resource() -> Iterator[list[dict[str, Any]]]:
        if explicit:
            usernames = [name.lower() for name in players]  # type: ignore[union-attr]
        else:
            listed = api.get_json(f"titled/{title}")
            if listed is None:
                raise ChessApiError(f"{api.url(f'titled/{title}')} answered 404; check sources.chess.chess_url")
            usernames = listed["players"][:max_players]
        yield [{"username": username} for username in dict.fromkeys(usernames)]

    @dlt.transformer(
        data_from=players_resource,
        write_disposition="merge",
        primary_key="player_id",
        columns=_timestamps("joined", "last_online"),
    )
    def players_profiles(page: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for player in page:
            profile = api.get_json(f"player/{player['username']}")
            if profile is None:
                missing(player["username"], "player/{username}")
                continue
            yield profile

    @dlt.transformer(
        data_from=players_resource,
        write_disposition="merge",
        primary_key="url",
        columns=_timestamps("end_time", "start_time"),
    )
    def players_games(page: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        """Games tagged with the ``archive_month`` (partition) they were fetched for.

        A game between two loaded players is in both archives: it is yielded once per load.
        """
        for player in page:
            username = player["username"]
            archives = api.get_json(f"player/{username}/games/archives")
            if archives is None:
                missing(username, "games/archives")
                continue
            # Archive URLs point at the real API host; only their YYYY/MM tails are used.
            archived = {"-".join(url.rstrip("/").split("/")[-2:]) for url in archives["archives"]}
            for month in wanted_months:
                if month not in archived:
                    continue
                archive = api.get_json(_month_path(username, month))
                games = [
                    {**game, "archive_month": month}
                    for game in (archive or {}).get("games", [])
                    if game["url"] not in seen_urls
                ]
                seen_urls.update(game["url"] for game in games)
                if games:
                    yield games

    return players_resource, players_profiles, players_games
