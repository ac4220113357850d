"""dlt sources: the chess source and the HTTP client it talks through."""

from chess_dagster.sources.chess import UnknownPlayerError, chess
from chess_dagster.sources.client import ChessApiClient, ChessApiError, ChessConfigError

__all__ = ["ChessApiClient", "ChessApiError", "ChessConfigError", "UnknownPlayerError", "chess"]
