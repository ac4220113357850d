"""The code location: assembles the chess assets, checks, jobs and resources. No logic lives here."""

import dagster as dg

from chess_dagster.assets import chess_games, chess_roster
from chess_dagster.checks import games_checks, roster_checks
from chess_dagster.jobs import chess_checks_job
from chess_dagster.resources import default_resources

defs = dg.Definitions(
    assets=[chess_roster, chess_games],
    asset_checks=[games_checks, roster_checks],
    jobs=[chess_checks_job],
    resources=default_resources(),
)
