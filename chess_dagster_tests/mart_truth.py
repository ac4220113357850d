"""What each model of the dbt mart must hold, computed in Python from the fixture API's games.

Written from the models' contract (README, chess_dbt/models/marts/_marts.yml), not from their SQL:
the tests compare the warehouse's tables with these rows, on DuckDB and on PostgreSQL.
"""

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import chess

from chess_dagster_tests.loads import PLAYERS, small_universe
from chess_dagster_tests.moves_truth import expected_facts, expected_moves, expected_sans, first_mover
from fixture import Month

PACIFIC = ZoneInfo("America/Los_Angeles")
COLOURS = {"white": "black", "black": "white"}
# The columns each model is compared on, in the order of the expected rows.
MODEL_COLUMNS = {
    "games": "url, month, time_class, eco, opening, plies, winner, white, black",
    "player_games": "player, url, month, colour, outcome, rating, opponent, opponent_rating, eco",
    "player_month_stats": "*",
    "openings": "month, time_class, eco, opening, games, white_points, white_score",
    "player_openings": "player, month, colour, eco, games, wins, draws, losses, points, score",
    "rating_history": "player, rules, time_class, day, month, rating, games",
    "head_to_head": "month, player, opponent, games, wins, draws, losses, points",
    "player_results": "player, month, rules, time_class, colour, games, wins, draws, losses, points",
    "player_time_management": "*",
    "player_phases": "*",
    "opening_tree": "*",
    "player_rating_gap": "*",
}
PHASES = ("opening", "middlegame", "endgame")
TREE_DEPTH = 12  # lines of up to 11 plies and the move after them
MODEL_QUERIES = {
    model: f"select {columns} from chess_analytics.{model}" for model, columns in MODEL_COLUMNS.items()
}


def fixture_games(months: Iterable[str]) -> dict[str, dict]:
    """The games the fixture API lists for the loaded players in ``months``, by url, with their month."""
    universe = small_universe()
    players = universe.titled_usernames("GM")[:PLAYERS]
    return {
        game["url"]: {**game, "month": month}
        for month in months
        for player in players
        for game in universe.games(player, Month.parse(month)) or []
    }


def pgn_tag(game: dict, tag: str) -> str | None:
    """A PGN header tag's value, as Chess.com writes it: ``[Tag "value"]``."""
    for line in game.get("pgn", "").splitlines():
        if line.startswith(f"[{tag} ") and line.endswith('"]'):
            return line[len(tag) + 3 : -2] or None
    return None


def opening_name(game: dict) -> str | None:
    """The opening's name: the last path segment of ``[ECOUrl]`` (else the ``eco`` URL), dashes as spaces."""
    url = pgn_tag(game, "ECOUrl") or game.get("eco") or ""
    slug = url.partition("/openings/")[2].split("?")[0].split("#")[0]
    return slug.replace("-", " ") if slug not in ("", "Undefined") else None


def winner(game: dict) -> str:
    return next((side for side in COLOURS if game[side]["result"] == "win"), "draw")


def player_games(games: dict[str, dict], roster: set[str]) -> list[dict]:
    """One row per game and roster player in it, from that player's side."""
    rows = []
    for url, game in games.items():
        for colour, other in COLOURS.items():
            player = game[colour]["username"].lower()
            if player not in roster:
                continue
            won_by = winner(game)
            rows.append(
                {
                    "player": player,
                    "url": url,
                    "month": game["month"],
                    "end_time": game["end_time"],
                    "rules": game["rules"],
                    "time_class": game["time_class"],
                    "rated": game["rated"],
                    "colour": colour,
                    "outcome": "win" if won_by == colour else "draw" if won_by == "draw" else "loss",
                    "rating": game[colour].get("rating"),
                    "opponent": game[other]["username"].lower(),
                    "opponent_rating": game[other].get("rating"),
                    "eco": pgn_tag(game, "ECO"),
                }
            )
    return rows


@dataclass(frozen=True)
class Replay:
    """A game with move text as python-chess replays it (its moves were read with the mart's)."""

    moves: list[dict[str, Any]]
    facts: dict[str, Any]
    sans: list[str]
    first: str

    def moves_of(self, colour: str) -> list[dict[str, Any]]:
        parity = 1 if colour == self.first else 0
        return [move for move in self.moves if move["ply"] % 2 == parity]


def replays(games: dict[str, dict]) -> dict[str, Replay]:
    return {
        url: Replay(expected_moves(game), expected_facts(game), expected_sans(game), first_mover(game))
        for url, game in games.items()
        if game.get("pgn")
    }


def games_rows(games: dict[str, dict], replayed: dict[str, Replay]) -> list[tuple]:
    return [
        (
            url,
            game["month"],
            game["time_class"],
            pgn_tag(game, "ECO"),
            opening_name(game),
            len(replayed[url].moves) or None if url in replayed else None,
            winner(game),
            game["white"]["username"].lower(),
            game["black"]["username"].lower(),
        )
        for url, game in games.items()
    ]


def player_games_rows(sides: list[dict]) -> list[tuple]:
    columns = ("player", "url", "month", "colour", "outcome", "rating", "opponent", "opponent_rating", "eco")
    return [tuple(side[column] for column in columns) for side in sides]


def rounded(values: list[float], digits: int) -> float | None:
    """The mean, rounded half away from zero as SQL's round() does."""
    if not values:
        return None
    mean = Decimal(sum(Decimal(str(value)) for value in values)) / len(values)
    return float(mean.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def score(outcome: str) -> float:
    return {"win": 1.0, "draw": 0.5}.get(outcome, 0.0)


Row = TypeVar("Row", dict, tuple)


def grouped(rows: Iterable[Row], key: Callable[[Row], tuple]) -> dict[tuple, list[Row]]:
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return groups


def results(rows: list[dict]) -> tuple[int, int, int]:
    outcomes = [row["outcome"] for row in rows]
    return outcomes.count("win"), outcomes.count("draw"), outcomes.count("loss")


def player_month_stats(sides: list[dict]) -> list[tuple]:
    expected = []
    for (month, player), rows in grouped(sides, lambda r: (r["month"], r["player"])).items():
        by_colour = [results([r for r in rows if r["colour"] == colour]) for colour in COLOURS]
        time_classes = [
            sum(r["time_class"] == kind for r in rows) for kind in ("bullet", "blitz", "rapid", "daily")
        ]
        opponents = [r["opponent_rating"] for r in rows if r["opponent_rating"] is not None]
        rated = sorted((r for r in rows if r["rating"] is not None), key=lambda r: r["end_time"])
        last_rating = rated[-1]["rating"] if rated else None
        expected.append(
            (
                month,
                player,
                len(rows),
                *by_colour[0],
                *by_colour[1],
                *time_classes,
                rounded(opponents, 1),
                last_rating,
            )
        )
    return expected


def white_points(game: dict) -> float:
    return {"white": 1.0, "draw": 0.5}.get(winner(game), 0.0)


def openings(games: dict[str, dict]) -> list[tuple]:
    with_eco = [{**game, "eco_code": pgn_tag(game, "ECO")} for game in games.values()]
    groups = grouped(
        (game for game in with_eco if game["eco_code"]),
        lambda g: (g["month"], g["time_class"], g["eco_code"], opening_name(g)),
    )
    return [
        (*key, len(rows), sum(map(white_points, rows)), rounded([white_points(g) for g in rows], 3))
        for key, rows in groups.items()
    ]


def points(rows: list[dict]) -> float:
    return sum(score(row["outcome"]) for row in rows)


def player_openings(sides: list[dict]) -> list[tuple]:
    groups = grouped(
        (r for r in sides if r["eco"]), lambda r: (r["player"], r["month"], r["colour"], r["eco"])
    )
    return [
        (*key, len(rows), *results(rows), points(rows), rounded([score(r["outcome"]) for r in rows], 3))
        for key, rows in groups.items()
    ]


def player_results(sides: list[dict]) -> list[tuple]:
    groups = grouped(sides, lambda r: (r["player"], r["month"], r["rules"], r["time_class"], r["colour"]))
    return [(*key, len(rows), *results(rows), points(rows)) for key, rows in groups.items()]


def pacific_day(end_time: int) -> date:
    return datetime.fromtimestamp(end_time, PACIFIC).date()


def rating_history(sides: list[dict]) -> list[tuple]:
    rated = [
        {**r, "day": pacific_day(r["end_time"])} for r in sides if r["rated"] and r["rating"] is not None
    ]
    expected = []
    for key, rows in grouped(rated, lambda r: (r["player"], r["rules"], r["time_class"], r["day"])).items():
        last = max(rows, key=lambda r: (r["end_time"], r["url"]))
        expected.append((*key, last["month"], last["rating"], len(rows)))
    return expected


def head_to_head(sides: list[dict], roster: set[str]) -> list[tuple]:
    groups = grouped(
        (r for r in sides if r["opponent"] in roster), lambda r: (r["month"], r["player"], r["opponent"])
    )
    return [(*key, len(rows), *results(rows), points(rows)) for key, rows in groups.items()]


def in_order(rows: Iterable[Iterable]) -> list[tuple]:
    """Rows as tuples in one order, whatever the database's collation and NULL ordering."""
    return sorted((tuple(row) for row in rows), key=repr)


def player_time_management(
    games: dict[str, dict], sides: list[dict], replayed: dict[str, Replay]
) -> list[tuple]:
    live = []
    for side in sides:
        replay, colour = replayed.get(side["url"]), side["colour"]
        if replay is None or side["time_class"] == "daily" or replay.facts[f"{colour}_clock_end"] is None:
            continue
        trouble = replay.facts[f"{colour}_time_trouble_ply"] is not None
        timed_out = games[side["url"]][colour]["result"] == "timeout"
        live.append({**side, "trouble": trouble, "timed_out": timed_out, "moves": replay.moves_of(colour)})
    expected = []
    for key, rows in grouped(live, lambda r: (r["player"], r["month"], r["rules"], r["time_class"])).items():
        moves = [move for row in rows for move in row["moves"] if move["seconds_spent"] is not None]
        by_phase = [
            rounded([m["seconds_spent"] for m in moves if m["phase"] == phase], 2) for phase in PHASES
        ]
        troubled = [row for row in rows if row["trouble"]]
        share = rounded([1.0 if row["trouble"] else 0.0 for row in rows], 3)
        trouble_score = rounded([score(row["outcome"]) for row in troubled], 3)
        timed_out = sum(row["timed_out"] for row in rows)
        counts = [sum(move["phase"] == phase for move in moves) for phase in PHASES]
        expected.append((*key, len(rows), *by_phase, len(troubled), share, trouble_score, timed_out, *counts))
    return expected


def player_phases(sides: list[dict], replayed: dict[str, Replay]) -> list[tuple]:
    def end_phase(side: dict) -> str | None:
        replay = replayed.get(side["url"])
        return replay.facts["end_phase"] if replay else None

    groups = grouped(sides, lambda r: (r["player"], r["month"], r["rules"], r["time_class"], end_phase(r)))
    return [(*key, len(rows), *results(rows)) for key, rows in groups.items()]


def from_standard_start(game: dict) -> bool:
    return pgn_tag(game, "FEN") is None and game.get("initial_setup") in (None, "", chess.STARTING_FEN)


def opening_tree(games: dict[str, dict], replayed: dict[str, Replay]) -> list[tuple]:
    winners: dict[tuple, list[str]] = defaultdict(list)
    for url, game in games.items():
        if game["rules"] != "chess" or not from_standard_start(game) or url not in replayed:
            continue
        sans = replayed[url].sans[:TREE_DEPTH]
        for ply in range(1, len(sans) + 1):
            line = " ".join(sans[: ply - 1])
            winners[(game["month"], game["time_class"], line, sans[ply - 1])].append(winner(game))
    return [
        (
            *key,
            len(won),
            won.count("white"),
            won.count("draw"),
            won.count("black"),
            rounded([{"white": 1.0, "draw": 0.5}.get(side, 0.0) for side in won], 3),
        )
        for key, won in winners.items()
    ]


def player_rating_gap(sides: list[dict]) -> list[tuple]:
    rated = [
        {**side, "gap": side["opponent_rating"] - side["rating"]}
        for side in sides
        if side["rated"] and side["rating"] is not None and side["opponent_rating"] is not None
    ]
    groups = grouped(
        rated, lambda r: (r["player"], r["month"], r["rules"], r["time_class"], r["gap"] // 100 * 100)
    )
    return [
        (
            *key,
            len(rows),
            rounded([score(row["outcome"]) for row in rows], 3),
            rounded([1 / (1 + 10 ** (row["gap"] / 400)) for row in rows], 3),
        )
        for key, rows in groups.items()
    ]


def expected_models(months: Iterable[str], roster: set[str]) -> dict[str, list[tuple]]:
    """Every model's rows for ``months`` with ``roster`` loaded (:func:`in_order`), by model."""
    return _expected_models(tuple(months), frozenset(roster))


@functools.cache
def _expected_models(months: tuple[str, ...], roster: frozenset[str]) -> dict[str, list[tuple]]:
    """Once per months and roster: each model's test asks, and the replays take seconds."""
    games = fixture_games(months)
    roster_set = set(roster)
    sides = player_games(games, roster_set)
    replayed = replays(games)
    expected = {
        "games": games_rows(games, replayed),
        "player_games": player_games_rows(sides),
        "player_month_stats": player_month_stats(sides),
        "openings": openings(games),
        "player_openings": player_openings(sides),
        "rating_history": rating_history(sides),
        "head_to_head": head_to_head(sides, roster_set),
        "player_results": player_results(sides),
        "player_time_management": player_time_management(games, sides, replayed),
        "player_phases": player_phases(sides, replayed),
        "opening_tree": opening_tree(games, replayed),
        "player_rating_gap": player_rating_gap(sides),
    }
    return {model: in_order(rows) for model, rows in expected.items()}
