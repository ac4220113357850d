"""What the pages derive from the mart's rows for display: scores from the points the mart counts
(``points``: 1 a win, 0.5 a draw, scored in dbt), the rating curve's stretches, blank cells."""

from __future__ import annotations

import pandas as pd


def score(points: float, games: float) -> float:
    """Points per game played (0 without games)."""
    return float(points) / float(games) if games else 0.0


def with_score(counts: pd.DataFrame, points: str = "points") -> pd.DataFrame:
    """``counts`` (``games`` and ``points``) with a ``score`` column in place of the points, to 3 places."""
    scored = counts.drop(columns=[points])
    games = counts["games"].astype(float)
    scored["score"] = (counts[points].astype(float) / games.where(games > 0)).round(3)
    return scored


def with_stretches(history: pd.DataFrame) -> pd.DataFrame:
    """``history`` (by time class, in day order) with ``stretch``: a number that changes where a
    month without games lies between two days, so the line does not join months years apart."""
    day = pd.to_datetime(history["day"])
    month = day.dt.year * 12 + day.dt.month
    gap = month.groupby(history["time_class"]).diff().fillna(0) > 1
    return history.assign(stretch=gap.groupby(history["time_class"]).cumsum())


def blank_where_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with empty cells blank, not ``None`` (Streamlit prints a missing value so)."""
    return frame.astype(object).where(frame.notna(), "")
