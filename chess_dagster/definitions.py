"""The code location: assembles the chess assets and their resources. No logic lives here."""

import dagster as dg

from chess_dagster.assets import chess_games, chess_roster
from chess_dagster.resources import default_resources

defs = dg.Definitions(
    assets=[chess_roster, chess_games],
    resources=default_resources(),
)
