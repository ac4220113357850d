"""Chess.com move text read into move rows and per-game facts, with Lichess's game phases.

Pure Python over python-chess: no Dagster, no dlt, so it runs (and is tested) anywhere, and in worker
processes that import nothing else.
"""

from chess_dagster.moves.columns import FACT_COLUMNS, MOVE_COLUMNS, arrow_schema
from chess_dagster.moves.phases import PhaseTracker, phase_of
from chess_dagster.moves.reader import GameText, MonthRead, read_games, read_games_in_processes

__all__ = [
    "FACT_COLUMNS",
    "MOVE_COLUMNS",
    "GameText",
    "MonthRead",
    "PhaseTracker",
    "arrow_schema",
    "phase_of",
    "read_games",
    "read_games_in_processes",
]
