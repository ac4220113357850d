"""The dlt ``chess`` source, one top-level resource per Chess.com endpoint as dlt's verified sources
read: grown from dlt's chess production example, made safe to re-run and cheap to backfill
(endpoints and tables: docs/data.md)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

import dlt
import pyarrow as pa
from dlt.sources import DltResource

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
from chess_dagster.sources.chess_com.roster import DEFAULT_MAX_PLAYERS, RosterLists
from chess_dagster.sources.chess_com.source_state import ChessState
from chess_dagster.sources.chess_com.tables import table

log = logging.getLogger(__name__)

DEFAULT_MAX_CONCURRENCY = 4


@dlt.source(name="chess", max_table_nesting=1)
def chess(
    chess_url: str = DEFAULT_CHESS_URL,
    user_agent: str = DEFAULT_USER_AGENT,
    titles: list[str] | None = None,
    clubs: list[str] | None = None,
    countries: list[str] | None = None,
    players: list[str] | None = None,
    max_players: int = DEFAULT_MAX_PLAYERS,
    title: str | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    months: Sequence[str] | None = None,
    recheck_closed_months: bool = False,
    state: ChessState | None = None,
) -> Sequence[DltResource]:
    """Settings: README's table. The roster is the union of ``players``, ``titles``, ``clubs`` and
    ``countries`` (``roster.py``); ``title`` is the older spelling of ``titles = [title]``.
    ``state`` is shared with the caller (``source_state.py``); without one, every month and answer
    is downloaded."""
    shared = state if state is not None else ChessState()
    shared.start(
        ChessApiClient(chess_url, user_agent, max_concurrency, shared.requests),
        months=list(months) if months is not None else [current_month()],
        recheck_closed_months=recheck_closed_months,
        lists=partial(RosterLists.checked, title, titles, clubs, countries, players, max_players),
    )
    roster = players_resource(shared)
    resources = [
        roster,
        roster | players_profiles(shared),
        roster | players_stats(shared),
        roster | players_games(shared),
        roster_members(shared),
        clubs_resource(shared),
        countries_resource(shared),
    ]
    for resource in resources:
        resource.apply_hints(**table(resource.name).hints())
    return resources


@dlt.resource(name="players")
def players_resource(state: ChessState) -> Iterator[dict[str, Any]]:
    """The current roster: read from the lists in a roster load, from the warehouse in a games load."""
    names = state.players_now()
    state.usernames_listed.update(names)
    for username in names:
        yield {"username": username}


@dlt.resource(name="roster_members")
def roster_members(state: ChessState) -> Iterator[list[dict[str, Any]]]:
    """Each player's stints on the lists: a row when one begins, the same row with ``left_at`` when
    it ends."""
    changes = state.membership_changes()
    if changes:
        yield changes


@dlt.resource(name="clubs")
def clubs_resource(state: ChessState) -> Iterator[list[dict[str, Any]]]:
    """``club/{url-id}`` of each club of ``sources.chess.clubs``, asked for once per roster load."""
    if state.roster().clubs:
        yield state.roster().clubs


@dlt.resource(name="countries")
def countries_resource(state: ChessState) -> Iterator[list[dict[str, Any]]]:
    """``country/{iso}`` of each country of ``sources.chess.countries``."""
    if state.roster().countries:
        yield state.roster().countries


@dlt.transformer(name="players_profiles", parallelized=True)
def players_profiles(player: dict[str, Any], state: ChessState) -> Iterator[dict[str, Any]]:
    username, ledger = player["username"], state.ledgers.profiles
    fetched = _fetch_unless_fresh(state, PROFILES, ledger, username, "player/{username}")
    if fetched is None:
        return
    ledger.fetched(username, fetched.etag, fetched.max_age_s)
    if fetched.payload is not None:
        yield fetched.payload


@dlt.transformer(name="players_stats", parallelized=True)
def players_stats(player: dict[str, Any], state: ChessState) -> Iterator[list[dict[str, Any]]]:
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
    """One grain, player and kind, so the mart reads every rating the same way (docs/data.md)."""
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
    """Each game is tagged with the ``archive_month`` it was fetched for: Chess.com's month is US
    Pacific, not the UTC month of ``end_time`` (docs/months.md)."""
    username = player["username"]
    if state.only and username not in state.only:
        return
    state.progress.planned(PLAYERS, lambda: len(state.players_of_games()))
    state.progress.planned(
        MONTHS, lambda: sum(len(state.months_to_ask(name)) for name in state.players_of_games())
    )
    todo = state.months_to_ask(username)
    archived = _archived_months(username, state) if todo else set()
    if archived is None:  # the player vanished: their months are asked for again next time
        state.progress.advanced(MONTHS, len(todo))
        state.progress.advanced(PLAYERS)
        return
    bodies = {month: body for month in todo if (body := _archive_body(username, month, archived, state))}
    state.progress.advanced(PLAYERS)
    # One table per player, not per month: Arrow's JSON reader and dlt have a fixed cost per call.
    games = archives_table(bodies) if bodies else None
    unseen = state.first_seen(games) if games is not None else None
    if unseen is not None and unseen.num_rows:
        yield unseen


def _archived_months(username: str, state: ChessState) -> set[str] | None:
    listed = state.client.get_json(f"player/{username}/games/archives")
    if listed is None:
        state.missing(username, "games/archives")
        return None
    # Archive URLs point at the real API host; only their YYYY/MM tails are used.
    return {"-".join(url.rstrip("/").split("/")[-2:]) for url in listed["archives"]}


def _archive_body(username: str, month: str, archived: set[str], state: ChessState) -> bytes | None:
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
