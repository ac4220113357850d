"""The dlt ``chess`` source: Chess.com players, their profiles and their monthly game archives.

Grown from dlt's chess production example, made safe to re-run and cheap to backfill:

* players are replaced, profiles merged on ``player_id`` and games merged on ``url`` (the one id
  every game has; ``uuid`` is absent from older archives), so loading a month twice leaves the
  same rows;
* profiles and game archives are fetched for several players at once (parallelized transformers),
  never more than ``max_concurrency`` requests in flight, fewer after a ``429``;
* a closed month, once loaded, is not downloaded again (``archives``, a ledger the caller keeps
  beside the data); the current month is re-checked with ``If-None-Match``, so an unchanged one
  costs a ``304``; a profile is asked for again once Chess.com's ``max-age`` for it has passed,
  with ``If-None-Match`` (``profiles``, another ledger);
* games travel as one Arrow table per player (``lib/columnar.py``), parsed from the player's archive
  bodies by Arrow's JSON reader in one call: dlt writes them as parquet and the warehouse
  bulk-loads them, four times the games per second of dict rows.

Reads like the API::

    titled/{title} ─ players ─┬─ player/{username}                      → players_profiles
                              └─ player/{username}/games/archives
                                 └─ player/{username}/games/{YYYY}/{MM} → players_games
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection, Iterator, Sequence
from typing import Any, cast

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.common.schema.typing import TTableSchemaColumns
from dlt.sources import DltResource

from chess_dagster.lib.client import (
    DEFAULT_CHESS_URL,
    DEFAULT_USER_AGENT,
    ChessApiClient,
    RequestStats,
    json_object,
)
from chess_dagster.lib.columnar import archives_table, checked_archive
from chess_dagster.lib.errors import ChessApiError, ChessConfigError, UnknownPlayerError
from chess_dagster.lib.ledgers import ArchiveLedger, ProfileLedger
from chess_dagster.lib.months import current_month, month_path
from chess_dagster.lib.progress import MONTHS, PLAYERS, PROFILES, SourceProgress

log = logging.getLogger(__name__)

DEFAULT_MAX_PLAYERS = 10
DEFAULT_MAX_CONCURRENCY = 4
SIDES = ("white", "black")
TITLES = ("GM", "WGM", "IM", "WIM", "FM", "WFM", "NM", "WNM", "CM", "WCM")


def _timestamps(*names: str) -> TTableSchemaColumns:
    """Column hints for fields the API gives as epoch seconds (a fresh dict each: dlt edits them)."""
    return {name: {"data_type": "timestamp"} for name in names}


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
    archives: ArchiveLedger | None = None,
    profiles: ProfileLedger | None = None,
    loaded_players: Collection[str] | None = None,
    request_stats: RequestStats | None = None,
    progress: SourceProgress | None = None,
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
        archives: the archives loaded before (``lib/ledgers.py``); this load's fetches are added
            to it, for the caller to store once the games have landed. Without it every month
            is downloaded.
        profiles: the profiles fetched before (``lib/ledgers.py``): one still fresh is not asked for,
            a stale one is asked for with its ETag. Without it every profile is downloaded.
        loaded_players: the players the warehouse holds. Given, the players are read when the
            source is made, and a resource with nothing to ask or write comes deselected: ``players``
            when it names the players loaded (still the parent of the others), ``players_profiles``
            when every profile is fresh, ``players_games`` when every month is closed and loaded.
        request_stats: counts this load's requests (by status, bytes, in flight) for the caller.
        progress: counts the profiles, players' games and archive months done, for the caller to
            tell how far the load is (``lib/progress.py``).
    """
    title = title.upper()
    if title not in TITLES:
        raise ChessConfigError(
            f"sources.chess.title={title!r} is not a Chess.com title; use one of {', '.join(TITLES)}"
        )
    if players is None and max_players <= 0:
        raise ChessConfigError(f"sources.chess.max_players={max_players} must be at least 1")
    api = ChessApiClient(chess_url, user_agent, max_concurrency, request_stats)
    wanted_months = list(months) if months is not None else [current_month()]
    explicit = players is not None
    ledger = archives if archives is not None else ArchiveLedger()
    profile_ledger = profiles if profiles is not None else ProfileLedger()
    done = progress if progress is not None else SourceProgress()
    # The players of this load, complete before the first is yielded: a game is in two archives of
    # the load only when both its players are in it, so only such games' urls are remembered
    # (``seen_urls``, shared by the transformer threads), not every game's: ~110 MiB at 906,000 games.
    roster: set[str] = set()
    lock = threading.Lock()
    seen_urls: set[str] = set()

    def missing(username: str, what: str) -> None:
        """A configured player must exist; a listed one may vanish between list and fetch."""
        if explicit:
            raise UnknownPlayerError(
                f"Chess.com has no player {username!r} ({what} answered 404); "
                "remove it from sources.chess.players"
            )
        log.warning("player %r vanished from Chess.com between listing and %s; skipped", username, what)

    def months_to_ask(username: str) -> list[str]:
        return [
            m for m in wanted_months if recheck_closed_months or not ledger.closed_and_loaded(username, m)
        ]

    def first_seen(games: pa.Table) -> pa.Table:
        """The games but those between two players of the load that the other's archive yielded already."""
        if not all(f"{side}__username" in games.column_names for side in SIDES):
            return games
        players_of_load = pa.array(sorted(roster), pa.string())
        both_in_load = pc.and_(
            *(pc.is_in(pc.utf8_lower(games.column(f"{side}__username")), players_of_load) for side in SIDES)
        ).to_pylist()
        if not any(both_in_load):
            return games
        urls = cast(list[str], games.column("url").to_pylist())
        keep = []
        with lock:
            for url, shared in zip(urls, both_in_load, strict=True):
                keep.append(not shared or url not in seen_urls)
                if shared:
                    seen_urls.add(url)
        return games.filter(pa.array(keep, pa.bool_()))

    def players_now() -> list[str]:
        """The players asked for: the configured list, or the first of the titled list."""
        if explicit:
            return list(dict.fromkeys(name.lower() for name in players))  # type: ignore[union-attr]
        listed = api.get_json(f"titled/{title}")
        if listed is None:
            raise ChessApiError(f"{api.url(f'titled/{title}')} answered 404; check sources.chess.chess_url")
        return list(dict.fromkeys(name.lower() for name in listed["players"][:max_players]))

    # Read now only when it decides what is selected; else when the load runs.
    usernames = players_now() if loaded_players is not None else None

    @dlt.resource(name="players", write_disposition="replace", primary_key="username")
    def players_resource() -> Iterator[dict[str, Any]]:
        names = usernames if usernames is not None else players_now()
        roster.update(names)
        for username in names:
            yield {"username": username}

    @dlt.transformer(
        data_from=players_resource,
        write_disposition="merge",
        primary_key="player_id",
        columns=_timestamps("joined", "last_online"),
        parallelized=True,
    )
    def players_profiles(player: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The player's profile, unless the one loaded is still fresh or unchanged (``304``)."""
        username = player["username"]
        done.planned(PROFILES, lambda: len(roster))
        if profile_ledger.fresh(username):
            done.advanced(PROFILES)
            return
        fetched = api.fetch(f"player/{username}", profile_ledger.etag(username), parse=json_object)
        done.advanced(PROFILES)
        if fetched is None:
            missing(username, "player/{username}")
            return
        profile_ledger.fetched(username, fetched.etag, fetched.max_age_s)
        if fetched.payload is not None:
            yield fetched.payload

    # dlt's transformer() is typed for the disposition's name only; it takes the dict as resource() does.
    @dlt.transformer(  # type: ignore[call-overload]
        data_from=players_resource,
        # A load yields each game once (``seen_urls``), so dlt's merge need not deduplicate the
        # staged rows by url: at 900,000 games the load took 13.7 s with that pass, 3.6 s without.
        write_disposition={"disposition": "merge", "strategy": "delete-insert", "deduplicated": True},
        primary_key="url",
        columns=_timestamps("end_time", "start_time"),
        parallelized=True,
    )
    def players_games(player: dict[str, Any]) -> Iterator[pa.Table]:
        """The player's games of the wanted months as one Arrow table (``lib/columnar.py``), each
        game tagged with the ``archive_month`` it was fetched for: Chess.com's month, in US Pacific
        time (a game ending at 03:00 UTC on the 1st is in the month before).

        Each archive asked for is recorded in ``ledger``: closed months are not asked for again, the
        others are asked for with their last ETag; the games each archive listed are counted there.
        """
        username = player["username"]
        done.planned(PLAYERS, lambda: len(roster))
        done.planned(MONTHS, lambda: sum(len(months_to_ask(name)) for name in roster))
        todo = months_to_ask(username)
        if not todo:
            done.advanced(PLAYERS)
            return
        listed = api.get_json(f"player/{username}/games/archives")
        if listed is None:
            done.advanced(PLAYERS)
            done.advanced(MONTHS, len(todo))
            missing(username, "games/archives")
            return
        # Archive URLs point at the real API host; only their YYYY/MM tails are used.
        archived = {"-".join(url.rstrip("/").split("/")[-2:]) for url in listed["archives"]}
        bodies: dict[str, bytes] = {}
        for month in todo:
            # A month missing from the archives list, or answered 404/410, has no games.
            fetched = (
                api.fetch(month_path(username, month), ledger.etag(username, month), parse=checked_archive)
                if month in archived
                else None
            )
            archive = fetched.payload if fetched else None  # None: 304, the warehouse is current
            if fetched is None:  # no archive: no games that month
                ledger.fetched(username, month, None, games=0)
            else:
                ledger.fetched(username, month, fetched.etag, archive.games if archive else None)
            done.advanced(MONTHS)
            if archive is not None:
                bodies[month] = archive.body
        done.advanced(PLAYERS)
        # One table per player, not per month: Arrow's JSON reader and dlt (a schema merge per item)
        # both have a fixed cost per call.
        games = archives_table(bodies) if bodies else None
        unseen = first_seen(games) if games is not None else None
        if unseen is not None and unseen.num_rows:
            yield unseen

    if usernames is not None and loaded_players is not None:
        players_resource.selected = set(usernames) != {name.lower() for name in loaded_players}
        players_profiles.selected = not all(profile_ledger.fresh(name) for name in usernames)
        players_games.selected = any(months_to_ask(name) for name in usernames)
    return players_resource, players_profiles, players_games
