"""Figures the pages derive from the queries' counts, the same way on either warehouse."""

from __future__ import annotations

import pandas as pd


def score(wins: float, draws: float, games: float) -> float:
    """A chess score: a win counts 1, a draw 0.5, over the games played (0 without games)."""
    return (float(wins) + 0.5 * float(draws)) / float(games) if games else 0.0


def with_score(counts: pd.DataFrame) -> pd.DataFrame:
    """``counts`` (``games``, ``wins``, ``draws``) with a ``score`` column, rounded to 3 places."""
    scored = counts.copy()
    games = scored["games"].astype(float)
    scored["score"] = ((scored["wins"] + 0.5 * scored["draws"]) / games.where(games > 0)).round(3)
    return scored
