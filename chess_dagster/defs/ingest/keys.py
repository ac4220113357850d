"""The raw tables' asset keys, ``chess/<table>``: what the other domains and the CLI refer to."""

import dagster as dg

PLAYERS_KEY = dg.AssetKey(["chess", "players"])
PROFILES_KEY = dg.AssetKey(["chess", "players_profiles"])
GAMES_KEY = dg.AssetKey(["chess", "players_games"])
