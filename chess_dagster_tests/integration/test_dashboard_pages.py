"""The dashboard's pages run by Streamlit's AppTest: their figures, tables and messages."""

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from chess_dagster_tests.conftest import query
from chess_dagster_tests.dashboard_truth import (
    Truth,
    latest_ratings,
    next_moves,
    player_summary,
    top_openings,
)
from chess_dagster_tests.loads import small_universe
from chess_dagster_tests.mart_build import MONTHS
from chess_dagster_tests.mart_truth import fixture_games
from chess_dagster_tests.stats_truth import fixture_stats
from dashboard import data

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = ("player", "openings", "explorer", "coverage")
OpenPage = Callable[..., AppTest]


@pytest.fixture
def open_page(monkeypatch) -> OpenPage:
    """Run a page as a browser's first visit would: nothing cached, the query parameters given."""
    st.cache_data.clear()
    st.cache_resource.clear()
    data._last_read.clear()
    monkeypatch.setenv("DAGSTER_WEBSERVER_URL", "http://127.0.0.1:9")  # no UI: the page says so

    def run(page: str, **query_params: str) -> AppTest:
        app = AppTest.from_file(str(APP), default_timeout=60)
        app.query_params.update(query_params)
        app.run()
        if page != "player":
            app.switch_page(f"views/{page}.py").run()
        assert not app.exception, [error.value for error in app.exception]
        return app

    return run


@pytest.fixture
def on_the_mart(built, monkeypatch) -> Truth:
    monkeypatch.setenv("CHESS_DUCKDB_PATH", built.duckdb_path)
    roster = {name for (name,) in query(built.duckdb_path, "select username from chess_data.players")}
    return Truth(fixture_games(MONTHS), roster)


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def messages(app: AppTest) -> list[str]:
    return [element.value for kind in (app.info, app.warning, app.error) for element in kind]


def test_the_player_page_shows_the_players_results_and_ratings_as_the_fixture_has_them(
    open_page, on_the_mart
):
    player = on_the_mart.busiest_player()
    shown = metrics(open_page("player", player=player))
    games, wins, draws, losses, points, months = player_summary(on_the_mart, player)[0]
    assert shown["Games"] == f"{games:,}"
    assert shown["Wins / draws / losses"] == f"{wins} / {draws} / {losses}"
    assert shown["Months"] == str(months)
    assert shown["Score"] == f"{points / games:.1%}"
    ratings = {
        f"{time_class} rating": str(rating)
        for rules, time_class, rating, _ in latest_ratings(on_the_mart, player)
        if rules == "chess"
    }
    assert {label: value for label, value in shown.items() if label.endswith(" rating")} == ratings


def test_the_player_page_draws_every_section_with_no_message(open_page, on_the_mart):
    app = open_page("player", player=on_the_mart.busiest_player())
    assert [header.value for header in app.subheader] == [
        "Ratings now (Chess.com stats)",
        "Rating history",
        "Results by month, colour and time class",
        "Openings (ECO codes)",
        "Head-to-head against the roster",
        "How the games end",
        "The clock (live games, standard chess)",
        "Where games are decided (the phase of the final position)",
        "Score against stronger and weaker opponents (standard chess)",
    ]
    # ratings now, results, openings as white and black, head-to-head, time trouble
    assert len(app.dataframe) == 6
    assert not messages(app)


def test_the_player_page_lists_chess_coms_ratings_now_as_the_fixture_serves_them(open_page, on_the_mart):
    player = on_the_mart.busiest_player()
    ratings = open_page("player", player=player).dataframe[0].value
    shown = {
        (player, row.kind, _whole(row.rating), _whole(row.best_rating), _whole(row.wins))
        for row in ratings.itertuples()
    }
    assert shown == {row[:5] for row in fixture_stats(small_universe(), [player])}


def _whole(value: object) -> int | None:
    """A table cell as the API's integer, None for an empty one (shown blank)."""
    return None if value == "" else int(value)  # type: ignore[call-overload]


def a_player_without_a_best_rating(roster: set[str]) -> str:
    """A roster player whose stats leave a cell of the ratings table empty: a kind with no best."""
    universe = small_universe()
    return next(
        player
        for player in sorted(roster)
        if any(
            isinstance(block, dict) and "last" in block and "best" not in block
            for block in (universe.stats(player) or {}).values()
        )
    )


def test_the_ratings_table_shows_an_empty_cell_blank_not_none(open_page, on_the_mart):
    ratings = (
        open_page("player", player=a_player_without_a_best_rating(on_the_mart.roster)).dataframe[0].value
    )
    cells = ratings.to_numpy().ravel().tolist()
    assert "" in cells, "the fixture's stats leave some cells empty (no best rating, FIDE)"
    assert not [cell for cell in cells if cell is None or (isinstance(cell, float) and pd.isna(cell))]


def test_the_openings_page_shows_the_months_most_played_eco_codes(open_page, on_the_mart):
    shown = metrics(open_page("openings"))
    top = top_openings(on_the_mart, MONTHS[-1], "blitz")  # the newest month and blitz come first
    assert shown["Games in the top ECO codes"] == f"{sum(row[2] for row in top):,}"
    assert shown["Most played"] == top[0][0]


def test_the_opening_explorer_walks_the_most_played_line_two_moves_deep(open_page, on_the_mart):
    app = open_page("explorer")
    line: list[str] = []
    for _ in range(3):
        expected = next_moves(on_the_mart, "blitz", " ".join(line))
        assert metrics(app)["Games"] == f"{sum(row[1] for row in expected):,}"
        assert app.dataframe[0].value["next_move"].tolist() == [row[0] for row in expected]
        if len(line) == 2:
            break
        line.append(expected[0][0])
        app.button(key=f"next-{line[-1]}").click().run()
    assert any(f"**Line:** {' '.join(line)}" == text.value for text in app.markdown)


def test_the_coverage_page_lists_the_roster_and_says_when_dagster_cannot_be_asked(open_page, on_the_mart):
    app = open_page("coverage")
    assert metrics(app)["Players on the roster"] == str(len(on_the_mart.roster))
    assert metrics(app)["Players who left"] == "0"
    assert any("the Dagster webserver at http://127.0.0.1:9 did not answer" in text for text in messages(app))


@pytest.mark.parametrize("page", PAGES)
def test_an_empty_warehouse_tells_what_to_load_on_every_page(open_page, page, tmp_path, monkeypatch):
    monkeypatch.setenv("CHESS_DUCKDB_PATH", str(tmp_path / "none.duckdb"))
    shown = messages(open_page(page))
    assert any(text.startswith("Nothing loaded yet") and "chess-load all" in text for text in shown), shown


def test_a_warehouse_loaded_but_without_the_mart_says_to_build_it(
    open_page, load_templates, tmp_path, monkeypatch
):
    database = str(tmp_path / "chess.duckdb")
    tags = {"dagster/asset_partition_range_start": MONTHS[0], "dagster/asset_partition_range_end": MONTHS[1]}
    with load_templates.copy("chess_source_job", tags, database, tmp_path / "instance"):
        monkeypatch.setenv("CHESS_DUCKDB_PATH", database)
        shown = messages(open_page("player"))
    assert any(text.startswith("The mart is not built yet") and "chess_mart_job" in text for text in shown), (
        shown
    )


@contextmanager
def writer_holding(database: str) -> Iterator[None]:
    """Another process holding the DuckDB file open for writing, as a load or a dbt build does."""
    holding = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()"
    )
    with subprocess.Popen(
        [sys.executable, "-c", holding, database], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as writer:
        assert writer.stdout and writer.stdout.readline().strip() == "held"
        yield
        writer.communicate("")


def test_while_a_load_writes_the_page_shows_the_figures_from_before_it_and_says_so(
    open_page, on_the_mart, built
):
    player = on_the_mart.busiest_player()
    before = metrics(open_page("player", player=player))
    with writer_holding(built.duckdb_path):
        st.cache_data.clear()  # as when the load changed the file: the cache has nothing for it
        app = AppTest.from_file(str(APP), default_timeout=60)
        app.query_params["player"] = player
        app.run()
    assert metrics(app) == before
    assert any("these are the figures from before it" in text for text in messages(app))


def test_while_a_load_writes_a_first_visit_says_a_load_is_running(open_page, on_the_mart, built):
    with writer_holding(built.duckdb_path):
        shown = messages(open_page("player"))
    assert any("writing the warehouse now: the figures appear when it ends" in text for text in shown), shown
