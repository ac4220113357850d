"""The dlt ``chess`` source: Chess.com players, their profiles, stats and monthly game archives.

One top-level resource per endpoint, as dlt's verified sources read, its table declared in
``tables.py`` (disposition, key, column hints)::

    titled/{title} ─ players ─┬─ player/{username}                      → players_profiles
                              ├─ player/{username}/stats                → players_stats
                              └─ player/{username}/games/archives
                                 └─ player/{username}/games/{YYYY}/{MM} → players_games

Grown from dlt's chess production example, made safe to re-run and cheap to backfill:

* players are replaced, profiles merged on ``player_id``, a player's stats replaced whole and games
  merged on ``url`` (the one id every game has; ``uuid`` is absent from older archives), so loading
  a month twice leaves the same rows;
* the children of ``players`` fetch for several players at once (parallelized transformers),
  never more than ``max_concurrency`` requests in flight, fewer after a ``429``;
* what was fetched before is in the ledgers (``ledgers.py``) of the load's ``ChessState``: a
  closed month once loaded is not downloaded again, the current month is asked for with
  ``If-None-Match`` (``304`` when unchanged), profiles and stats again once Chess.com's ``max-age``
  for them has passed, with their ETag;
* games travel as one Arrow table per player (``columnar.py``), parsed from the player's
  archive bodies by Arrow's JSON reader in one call: dlt writes them as parquet and the warehouse
  bulk-loads them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

import dlt
import pyarrow as pa
from dlt.sources import DltResource

from chess_dagster.lib.errors import ChessConfigError
from chess_dagster.sources.chess_com.client import (
    DEFAULT_CHESS_URL,
    DEFAULT_USER_AGENT,
    ChessApiClient,
    Fetched,
    json_object,
)
from chess_dagster.sources.chess_com.columnar import archives_table, checked_archive
from chess_dagster.sources.chess_com.ledgers import ProfileLedger, StatsLedger
from chess_dagster.sources.chess_com.months import current_month, month_path
from chess_dagster.sources.chess_com.progress import MONTHS, PLAYERS, PROFILES, STATS
from chess_dagster.sources.chess_com.source_state import ChessState
from chess_dagster.sources.chess_com.tables import table

log = logging.getLogger(__name__)

DEFAULT_MAX_PLAYERS = 10
DEFAULT_MAX_CONCURRENCY = 4
TITLES = ("GM", "WGM", "IM", "WIM", "FM", "WFM", "NM", "WNM", "CM", "WCM")


@dlt.source(name="chess", max_table_nesting=1)
def chess(
    chess_url: str = DEFAULT_CHESS_URL,
    user_agent: str = DEFAULT_USER_AGENT,
    title: str = "GM",
    max_players: int = DEFAULT_MAX_PLAYERS,
    players: list[str] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    months: Sequence[str] | None = None,
    recheck_closed_months: bool = False,
    state: ChessState | None = None,
) -> Sequence[DltResource]:
    """Chess.com data for titled players (or an explicit ``players`` list).

    Args:
        chess_url: PubAPI base URL, ``https://api.chess.com/pub/`` for the real API.
        user_agent: sent with every request; Chess.com wants a contact in it.
        title: which titled list to read (GM, IM, ...) when ``players`` is not given.
        max_players: how many players of the titled list to load.
        players: explicit usernames; replaces the titled list. Unknown names fail the load.
        max_concurrency: most requests in flight at once (halved for a while after a 429).
        months: ``YYYY-MM`` months whose game archives to load; the current month if not given.
        recheck_closed_months: ask again (conditionally) for closed months already loaded.
        state: what the load shares with its caller (``source_state.py``): the ledgers read
            before and what this load fetched, the players the warehouse holds, request and
            progress counters, and the tables with nothing to do. A fresh one when not given:
            every month and answer is downloaded.
    """
    title = _checked_roster_settings(title, max_players, players)
    shared = state if state is not None else ChessState()
    shared.start(
        ChessApiClient(chess_url, user_agent, max_concurrency, shared.requests),
        months=list(months) if months is not None else [current_month()],
        recheck_closed_months=recheck_closed_months,
        asked_for=(title, max_players, players),
    )
    roster = players_resource(shared)
    resources = [
        roster,
        roster | players_profiles(shared),
        roster | players_stats(shared),
        roster | players_games(shared),
    ]
    for resource in resources:
        resource.apply_hints(**table(resource.name).hints())
    return resources


def _checked_roster_settings(title: str, max_players: int, players: list[str] | None) -> str:
    """The title in Chess.com's spelling; a bad setting fails before any request is made."""
    title = title.upper()
    if title not in TITLES:
        raise ChessConfigError(
            f"sources.chess.title={title!r} is not a Chess.com title; use one of {', '.join(TITLES)}"
        )
    if players is None and max_players <= 0:
        raise ChessConfigError(f"sources.chess.max_players={max_players} must be at least 1")
    return title


@dlt.resource(name="players")
def players_resource(state: ChessState) -> Iterator[dict[str, Any]]:
    """``titled/{title}`` (or the configured players): the roster every other table hangs off."""
    names = state.players_now()
    state.usernames_listed.update(names)
    for username in names:
        yield {"username": username}


@dlt.transformer(name="players_profiles", parallelized=True)
def players_profiles(player: dict[str, Any], state: ChessState) -> Iterator[dict[str, Any]]:
    """``player/{username}``, unless the one loaded is still fresh or unchanged (``304``)."""
    username, ledger = player["username"], state.ledgers.profiles
    fetched = _fetch_unless_fresh(state, PROFILES, ledger, username, "player/{username}")
    if fetched is None:
        return
    ledger.fetched(username, fetched.etag, fetched.max_age_s)
    if fetched.payload is not None:
        yield fetched.payload


@dlt.transformer(name="players_stats", parallelized=True)
def players_stats(player: dict[str, Any], state: ChessState) -> Iterator[list[dict[str, Any]]]:
    """``player/{username}/stats``: a row per rating kind, unless the stats loaded are still fresh
    or unchanged (``304``)."""
    username, ledger = player["username"], state.ledgers.stats
    fetched = _fetch_unless_fresh(state, STATS, ledger, username, "player/{username}/stats")
    if fetched is None:
        return
    rows = stats_rows(username, fetched.payload) if fetched.payload is not None else None
    ledger.fetched(
        username,
        fetched.etag,
        fetched.max_age_s,
        [row["kind"] for row in rows or []] if rows is not None else None,
    )
    if rows:
        yield rows


def _fetch_unless_fresh(
    state: ChessState, kind: str, ledger: ProfileLedger | StatsLedger, username: str, path: str
) -> Fetched[dict[str, Any]] | None:
    """``path`` for ``username``, asked with the ETag known (``If-None-Match``), unless the answer
    loaded is still fresh (``Cache-Control: max-age``): None when fresh, or when Chess.com no longer
    has the player (noted as missing)."""
    state.progress.planned(kind, lambda: len(state.usernames_listed))
    if ledger.fresh(username):
        state.progress.advanced(kind)
        return None
    fetched = state.client.fetch(path.format(username=username), ledger.etag(username), parse=json_object)
    state.progress.advanced(kind)
    if fetched is None:
        state.missing(username, path)
    return fetched


def stats_rows(username: str, stats: dict[str, Any]) -> list[dict[str, Any]]:
    """The stats answer as one row per kind: a rated kind's ``last``, ``best`` and ``record``;
    ``fide`` (when not 0) as its last rating; ``tactics``' highest and ``puzzle_rush``'s best score
    as their best. One grain, player and kind, so the mart reads every rating the same way."""
    rows = [_rated_row(username, kind, block) for kind, block in stats.items() if kind.startswith("chess")]
    if stats.get("fide"):
        rows.append({"username": username, "kind": "fide", "last_rating": stats["fide"]})
    highest = stats.get("tactics", {}).get("highest")
    if highest:
        rows.append(
            {
                "username": username,
                "kind": "tactics",
                "best_rating": highest.get("rating"),
                "best_date": highest.get("date"),
            }
        )
    rush = stats.get("puzzle_rush", {}).get("best")
    if rush:
        rows.append({"username": username, "kind": "puzzle_rush", "best_rating": rush.get("score")})
    return rows


def _rated_row(username: str, kind: str, block: dict[str, Any]) -> dict[str, Any]:
    last, best, record = block.get("last", {}), block.get("best", {}), block.get("record", {})
    return {
        "username": username,
        "kind": kind,
        "last_rating": last.get("rating"),
        "last_date": last.get("date"),
        "last_rd": last.get("rd"),
        "best_rating": best.get("rating"),
        "best_date": best.get("date"),
        "best_game": best.get("game"),
        "wins": record.get("win"),
        "losses": record.get("loss"),
        "draws": record.get("draw"),
        "time_per_move": record.get("time_per_move"),
        "timeout_percent": record.get("timeout_percent"),
    }


@dlt.transformer(name="players_games", parallelized=True)
def players_games(player: dict[str, Any], state: ChessState) -> Iterator[pa.Table]:
    """``player/{username}/games/{YYYY}/{MM}`` for the load's months, as one Arrow table per
    player (``columnar.py``), each game tagged with the ``archive_month`` it was fetched for:
    Chess.com's month, in US Pacific time (a game ending at 03:00 UTC on the 1st is in the month
    before). Each archive asked for is recorded in the archive ledger."""
    username = player["username"]
    state.progress.planned(PLAYERS, lambda: len(state.usernames_listed))
    state.progress.planned(
        MONTHS, lambda: sum(len(state.months_to_ask(name)) for name in state.usernames_listed)
    )
    todo = state.months_to_ask(username)
    archived = _archived_months(username, state) if todo else set()
    if archived is None:  # the player vanished: their months are asked for again next time
        state.progress.advanced(MONTHS, len(todo))
        state.progress.advanced(PLAYERS)
        return
    bodies = {month: body for month in todo if (body := _archive_body(username, month, archived, state))}
    state.progress.advanced(PLAYERS)
    # One table per player, not per month: Arrow's JSON reader and dlt (a schema merge per item)
    # both have a fixed cost per call.
    games = archives_table(bodies) if bodies else None
    unseen = state.first_seen(games) if games is not None else None
    if unseen is not None and unseen.num_rows:
        yield unseen


def _archived_months(username: str, state: ChessState) -> set[str] | None:
    """``player/{username}/games/archives`` as ``YYYY-MM`` months (None: a vanished player)."""
    listed = state.client.get_json(f"player/{username}/games/archives")
    if listed is None:
        state.missing(username, "games/archives")
        return None
    # Archive URLs point at the real API host; only their YYYY/MM tails are used.
    return {"-".join(url.rstrip("/").split("/")[-2:]) for url in listed["archives"]}


def _archive_body(username: str, month: str, archived: set[str], state: ChessState) -> bytes | None:
    """One month's archive body, None when unchanged (``304``) or without games (not listed,
    ``404``/``410``); recorded in the archive ledger either way."""
    ledger = state.ledgers.archives
    fetched = (
        state.client.fetch(month_path(username, month), ledger.etag(username, month), parse=checked_archive)
        if month in archived
        else None
    )
    state.progress.advanced(MONTHS)
    if fetched is None:
        ledger.fetched(username, month, None, games=0)
        return None
    archive = fetched.payload
    ledger.fetched(username, month, fetched.etag, archive.games if archive else None)
    return archive.body if archive is not None else None
