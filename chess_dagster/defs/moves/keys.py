"""The move reader's asset keys, which the mart's automation refers to."""

import dagster as dg

GAME_MOVES_KEY = dg.AssetKey(["chess", "game_moves"])
GAME_FACTS_KEY = dg.AssetKey(["chess", "game_facts"])
