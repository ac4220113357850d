"""The dashboard reads the mart only, and what it derives from the mart's rows: scores from points,
the rating curve's stretches, blank cells."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from chess_dagster.lib.settings import PROJECT_ROOT
from dashboard.figures import blank_where_missing, score, with_score, with_stretches
from dashboard.warehouse import _numbers_as_numbers


def test_a_score_is_the_points_per_game() -> None:
    assert score(points=2.5, games=4) == 0.625


def test_a_score_without_games_is_zero() -> None:
    assert score(points=0, games=0) == 0.0


def test_with_score_puts_the_score_in_place_of_the_points() -> None:
    counts = pd.DataFrame({"eco": ["B90"], "games": [4], "wins": [2], "points": [2.5]})
    assert with_score(counts).to_dict("records") == [{"eco": "B90", "games": 4, "wins": 2, "score": 0.625}]


def test_the_rating_curve_breaks_where_a_month_without_games_lies_between_two_days() -> None:
    history = pd.DataFrame(
        {
            "day": ["2022-01-05", "2022-02-27", "2023-06-01", "2023-06-02", "2022-01-09"],
            "time_class": ["blitz", "blitz", "blitz", "blitz", "rapid"],
        }
    )
    assert with_stretches(history)["stretch"].tolist() == [0, 0, 1, 1, 0]


def test_an_empty_cell_is_blank() -> None:
    frame = pd.DataFrame({"kind": ["fide", "chess_blitz"], "best_rating": [None, 2900]})
    assert blank_where_missing(frame)["best_rating"].tolist() == ["", 2900]


def test_the_dashboard_names_no_raw_table() -> None:
    sources = sorted((PROJECT_ROOT / "dashboard").rglob("*.py"))
    assert sources
    assert [path.name for path in sources if "chess_data" in path.read_text()] == []


def test_postgresqls_numeric_sums_read_as_numbers() -> None:
    frame = pd.DataFrame(
        {"games": [Decimal(12), None], "points": [Decimal("6.5"), Decimal(3)], "eco": ["B90", "C20"]}
    )
    read = _numbers_as_numbers(frame)
    assert [str(read[name].dtype) for name in ("games", "points")] == ["Int64", "float64"]
    assert read["eco"].tolist() == ["B90", "C20"]
