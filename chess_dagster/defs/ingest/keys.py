"""The raw tables' asset keys, ``chess/<table>``: what the other domains and the CLI refer to."""

import dagster as dg

PLAYERS_KEY = dg.AssetKey(["chess", "players"])
PROFILES_KEY = dg.AssetKey(["chess", "players_profiles"])
GAMES_KEY = dg.AssetKey(["chess", "players_games"])

# Metadata of chess/players: how many players its latest load asked for (players_row_count's truth).
PLAYERS_ASKED_FOR = "players_asked_for"
