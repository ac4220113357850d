"""The raw tables' asset keys, ``chess/<table>``: what the other domains and the CLI refer to."""

import dagster as dg

from chess_dagster.sources.chess_com.tables import (
    GAMES,
    PLAYERS,
    PROFILES,
    ROSTER_MEMBERS,
    STATS,
    TABLE_NAMES,
)


def table_key(name: str) -> dg.AssetKey:
    """The asset of a table of ``sources/chess_com/tables.py``."""
    return dg.AssetKey(["chess", name])


TABLE_KEYS = tuple(table_key(name) for name in TABLE_NAMES)
PLAYERS_KEY, PROFILES_KEY, STATS_KEY, GAMES_KEY, ROSTER_MEMBERS_KEY = (
    table_key(t.name) for t in (PLAYERS, PROFILES, STATS, GAMES, ROSTER_MEMBERS)
)

# Metadata of chess/players: how many players its latest load asked for (players_row_count's truth),
# and the players it added to a roster the warehouse already held (defs/rosters: their history).
PLAYERS_ASKED_FOR = "players_asked_for"
NEWCOMERS, NEWCOMER_COUNT = "newcomers", "newcomer_count"
