"""The dashboard's pages as its users meet them, in a real browser (`streamlit run` in Chromium
through Playwright). A dashboard refreshing beside loads and a dbt build: e2e/test_demo.py."""

import os
from collections.abc import Iterator

import pytest

from chess_dagster_tests.conftest import query
from chess_dagster_tests.dashboard_truth import Truth, next_moves, player_summary, top_openings
from chess_dagster_tests.mart_build import MONTHS
from chess_dagster_tests.mart_truth import fixture_games
from fixture.browser import SCREENSHOTS, chromium_installed, ui_page
from fixture.dagster_home import dashboard_server

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("dashboard")]  # one server for the module


@pytest.fixture(scope="module")
def mart(mart_template, tmp_path_factory) -> Iterator[tuple[str, Truth]]:
    """The mart built from a fixture load, served by `streamlit run`: its URL and the truth."""
    folder = tmp_path_factory.mktemp("dashboard")
    built = mart_template.copy(folder)
    env = {
        **os.environ,
        "CHESS_DUCKDB_PATH": built.duckdb_path,
        "DAGSTER_WEBSERVER_URL": "http://127.0.0.1:9",
    }
    roster = {name for (name,) in query(built.duckdb_path, "select username from chess_data.players")}
    with dashboard_server(env, folder / "streamlit.log") as url:
        yield url, Truth(fixture_games(MONTHS), roster)


def metric_value(page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True))
    return metric.get_by_test_id("stMetricValue").inner_text()


def charts_drawn(page, expected: int) -> int:
    """How many charts drew marks (Vega's SVG paths: lines, bars), once ``expected`` are on the page."""
    charts = page.get_by_test_id("stVegaLiteChart")
    marks = "svg g[class*='mark-'] path"
    charts.nth(expected - 1).locator(marks).first.wait_for(state="attached", timeout=30_000)
    return sum(1 for chart in charts.all() if chart.locator(marks).count() > 0)


browser = pytest.mark.skipif(
    not chromium_installed(), reason="Chromium not installed (make test installs it)"
)


@browser
def test_the_player_page_shows_the_fixtures_figures_and_draws_its_six_charts(mart):
    url, truth = mart
    player = truth.busiest_player()
    games, wins, draws, losses, _, _ = player_summary(truth, player)[0]
    with ui_page(f"{url}/?player={player}", "How the games end", first_visit_dialog=False) as page:
        assert metric_value(page, "Games") == f"{games:,}"
        assert metric_value(page, "Wins / draws / losses") == f"{wins} / {draws} / {losses}"
        # rating history, results by month, endings, the clock, the phases, the rating gap
        assert charts_drawn(page, 6) == 6
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "dashboard-player.png", full_page=True)


@browser
def test_the_openings_page_shows_the_months_top_eco_codes_and_draws_them(mart):
    url, truth = mart
    top = top_openings(truth, MONTHS[-1], "blitz")
    with ui_page(f"{url}/openings", "Games in the top ECO codes", first_visit_dialog=False) as page:
        assert metric_value(page, "Games in the top ECO codes") == f"{sum(row[2] for row in top):,}"
        assert metric_value(page, "Most played") == top[0][0]
        assert charts_drawn(page, 1) == 1


@browser
def test_the_opening_explorer_goes_two_moves_deep_a_click_each(mart):
    from playwright.sync_api import expect

    url, truth = mart
    first = next_moves(truth, "blitz", "")[0][0]
    second = next_moves(truth, "blitz", first)[0][0]
    with ui_page(f"{url}/explorer", "Line:", first_visit_dialog=False) as page:
        for move, line in ((first, first), (second, f"{first} {second}")):
            page.get_by_role("button", name=move, exact=True).click()
            page.get_by_text(f"Line: {line}").wait_for(timeout=30_000)
        games = sum(row[1] for row in next_moves(truth, "blitz", f"{first} {second}"))
        metric = page.get_by_test_id("stMetric").filter(has=page.get_by_text("Games", exact=True))
        expect(metric.get_by_test_id("stMetricValue")).to_have_text(f"{games:,}", timeout=30_000)


@browser
def test_the_coverage_page_lists_the_roster(mart):
    url, truth = mart
    with ui_page(f"{url}/coverage", "Last load of each table", first_visit_dialog=False) as page:
        assert metric_value(page, "Players on the roster") == str(len(truth.roster))
        page.get_by_text("did not answer").first.wait_for(timeout=30_000)
