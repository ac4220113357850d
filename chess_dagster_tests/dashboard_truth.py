"""What each dashboard query must answer, from the fixture API's games (``mart_truth``), not from SQL."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from chess_dagster_tests.mart_truth import (
    Replay,
    grouped,
    opening_name,
    opening_tree,
    pgn_tag,
    player_games,
    player_phases,
    player_rating_gap,
    player_time_management,
    points,
    rating_history,
    replays,
    results,
    white_points,
)
from dashboard import queries


@dataclass(frozen=True)
class Truth:
    """The fixture's games of the months loaded, and the roster, seen from every side."""

    games: dict[str, dict]
    roster: set[str]

    @property
    def sides(self) -> list[dict]:
        return player_games(self.games, self.roster)

    @functools.cached_property
    def replayed(self) -> dict[str, Replay]:
        return replays(self.games)

    def busiest_player(self) -> str:
        """The roster player with the most games against other roster players (ties: by name)."""
        meetings = grouped((s for s in self.sides if s["opponent"] in self.roster), lambda s: (s["player"],))
        return min(meetings, key=lambda key: (-len(meetings[key]), key))[0]


def as_rows(frame: pd.DataFrame) -> list[tuple]:
    """A query's rows as plain Python values: dates as dates, counts as ints, floats to 6 places."""
    return [tuple(_plain(value) for value in row) for row in frame.itertuples(index=False)]


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 6)
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def _player(truth: Truth, player: str) -> list[dict]:
    return [side for side in truth.sides if side["player"] == player]


def players(truth: Truth) -> list[tuple]:
    return [(name,) for name in sorted({side["player"] for side in truth.sides})]


def player_summary(truth: Truth, player: str) -> list[tuple]:
    rows = _player(truth, player)
    return [(len(rows), *results(rows), points(rows), len({row["month"] for row in rows}))]


def rating_days(truth: Truth, player: str) -> list[tuple]:
    days = [row[1:] for row in rating_history(_player(truth, player))]  # rules, time_class, day, month, ...
    rows = [(day, rules, time_class, rating, games) for rules, time_class, day, _, rating, games in days]
    return sorted(rows, key=lambda row: (row[1], row[2], row[0]))  # by rules, time class, day


def latest_ratings(truth: Truth, player: str) -> list[tuple]:
    newest: dict[tuple, tuple] = {}
    for day, rules, time_class, rating, _ in rating_days(truth, player):
        newest[(rules, time_class)] = (rules, time_class, rating, day)  # days ascending: the last wins
    return sorted(newest.values())


def results_by_month(truth: Truth, player: str) -> list[tuple]:
    groups = grouped(_player(truth, player), lambda s: (s["month"], s["time_class"], s["colour"]))
    return sorted((*key, len(rows), *results(rows), points(rows)) for key, rows in groups.items())


def player_openings(truth: Truth, player: str, colour: str) -> list[tuple]:
    mine = (s for s in _player(truth, player) if s["colour"] == colour and s["eco"])
    groups = grouped(mine, lambda s: (s["eco"],))
    return sorted(
        ((*key, len(rows), *results(rows), points(rows)) for key, rows in groups.items()),
        key=lambda r: (-r[1], r[0]),
    )


def head_to_head(truth: Truth, player: str) -> list[tuple]:
    met = (s for s in _player(truth, player) if s["opponent"] in truth.roster)
    groups = grouped(met, lambda s: (s["opponent"],))
    return sorted(
        ((*key, len(rows), *results(rows), points(rows)) for key, rows in groups.items()),
        key=lambda r: (-r[1], r[0]),
    )


def outcomes(truth: Truth, player: str) -> dict[str, int]:
    """How many games ``player`` won, drew and lost: what the endings chart adds up to."""
    return dict(zip(("win", "draw", "loss"), results(_player(truth, player)), strict=True))


def top_openings(truth: Truth, month: str, time_class: str) -> list[tuple]:
    played = [
        game
        for game in truth.games.values()
        if game["month"] == month and game["time_class"] == time_class and pgn_tag(game, "ECO")
    ]
    expected = []
    for (eco,), games in grouped(played, lambda g: (pgn_tag(g, "ECO"),)).items():
        names = sorted(name for name in map(opening_name, games) if name)
        expected.append((eco, names[0] if names else None, len(games), sum(map(white_points, games))))
    return sorted(expected, key=lambda row: (-row[2], row[0]))[:20]


def _weighted(rows: list[tuple], value: int, weight: int) -> float | None:
    """The mean of the model's ``value`` column over months, weighted by its ``weight`` column."""
    total = sum(row[weight] for row in rows if row[value] is not None)
    return sum(row[value] * row[weight] for row in rows if row[value] is not None) / total if total else None


def time_management(truth: Truth, player: str) -> list[tuple]:
    """From the model's truth (columns: player, month, rules, time_class, games, three averages,
    trouble games, share, score, lost on time, three move counts), added up over months."""
    model = player_time_management(truth.games, truth.sides, truth.replayed)
    mine = [row for row in model if row[0] == player and row[2] == "chess"]
    expected = []
    for (time_class,), rows in grouped(mine, lambda row: (row[3],)).items():
        seconds = [_weighted(rows, 5 + phase, 12 + phase) for phase in range(3)]
        trouble = sum(row[8] for row in rows)
        lost = sum(row[11] for row in rows)
        games = sum(row[4] for row in rows)
        expected.append((time_class, games, *seconds, trouble, trouble / games, _weighted(rows, 10, 8), lost))
    return sorted(expected)


def phases(truth: Truth, player: str) -> list[tuple]:
    model = player_phases(truth.sides, truth.replayed)
    mine = [row for row in model if row[0] == player and row[2] == "chess" and row[4] is not None]
    by_phase = grouped(mine, lambda row: (row[4],)).items()
    return sorted((phase, *(sum(row[i] for row in rows) for i in range(5, 9))) for (phase,), rows in by_phase)


def rating_gap(truth: Truth, player: str) -> list[tuple]:
    mine = [row for row in player_rating_gap(truth.sides) if row[0] == player and row[2] == "chess"]
    expected = []
    for (bucket,), rows in grouped(mine, lambda row: (row[4],)).items():
        games = sum(row[5] for row in rows)
        expected.append((bucket, games, _weighted(rows, 6, 5), _weighted(rows, 7, 5)))
    return sorted(expected)


def next_moves(truth: Truth, time_class: str, line: str) -> list[tuple]:
    tree = [
        row for row in opening_tree(truth.games, truth.replayed) if row[1] == time_class and row[2] == line
    ]
    by_move = grouped(tree, lambda row: (row[3],)).items()
    counts = [(move, *(sum(row[i] for row in rows) for i in range(4, 8))) for (move,), rows in by_move]
    return sorted(counts, key=lambda row: (-row[1], row[0]))


def most_played_first_move(truth: Truth, time_class: str) -> str:
    return next_moves(truth, time_class, "")[0][0]


# Each query, its parameters and the rows it must return, for a player and a month of the truth.
Case = Callable[[Truth, str, str], tuple[str, dict, list[tuple]]]
CASES: dict[str, Case] = {
    "players": lambda t, player, month: (queries.PLAYERS, {}, players(t)),
    "player_summary": lambda t, player, month: (
        queries.PLAYER_SUMMARY,
        {"player": player},
        player_summary(t, player),
    ),
    "rating_history": lambda t, player, month: (
        queries.RATING_HISTORY,
        {"player": player},
        rating_days(t, player),
    ),
    "latest_ratings": lambda t, player, month: (
        queries.LATEST_RATINGS,
        {"player": player},
        latest_ratings(t, player),
    ),
    "results_by_month": lambda t, player, month: (
        queries.RESULTS_BY_MONTH,
        {"player": player},
        results_by_month(t, player),
    ),
    "openings_as_white": lambda t, player, month: (
        queries.PLAYER_OPENINGS,
        {"player": player, "colour": "white"},
        player_openings(t, player, "white"),
    ),
    "openings_as_black": lambda t, player, month: (
        queries.PLAYER_OPENINGS,
        {"player": player, "colour": "black"},
        player_openings(t, player, "black"),
    ),
    "head_to_head": lambda t, player, month: (
        queries.HEAD_TO_HEAD,
        {"player": player},
        head_to_head(t, player),
    ),
    "time_management": lambda t, player, month: (
        queries.TIME_MANAGEMENT,
        {"player": player},
        time_management(t, player),
    ),
    "phases": lambda t, player, month: (queries.PHASES, {"player": player}, phases(t, player)),
    "rating_gap": lambda t, player, month: (queries.RATING_GAP, {"player": player}, rating_gap(t, player)),
    "next_moves_from_the_start": lambda t, player, month: (
        queries.NEXT_MOVES,
        {"time_class": "blitz", "first_month": "0000-00", "last_month": "9999-99", "line": ""},
        next_moves(t, "blitz", ""),
    ),
    "next_moves_after_the_most_played_first_move": lambda t, player, month: (
        queries.NEXT_MOVES,
        {
            "time_class": "blitz",
            "first_month": "0000-00",
            "last_month": "9999-99",
            "line": most_played_first_move(t, "blitz"),
        },
        next_moves(t, "blitz", most_played_first_move(t, "blitz")),
    ),
    "top_openings": lambda t, player, month: (
        queries.TOP_OPENINGS,
        {"month": month, "time_class": "blitz"},
        top_openings(t, month, "blitz"),
    ),
}
