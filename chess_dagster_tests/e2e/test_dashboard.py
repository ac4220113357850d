"""The dashboard as its users meet it: loads and dbt builds running while it refreshes, and its
pages in a real browser (`streamlit run` in Chromium through Playwright)."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.conftest import query
from chess_dagster_tests.dashboard_truth import Truth, player_summary, top_openings
from chess_dagster_tests.e2e.commands import CHESS_LOAD, DG
from chess_dagster_tests.loads import Loaded
from chess_dagster_tests.mart_build import MONTHS
from chess_dagster_tests.mart_truth import fixture_games
from fixture.browser import SCREENSHOTS, chromium_installed, ui_page
from fixture.dagster_home import dashboard_server

pytestmark = pytest.mark.e2e
NEXT_MONTH = "2022-11"


@pytest.fixture
def loaded_raw(load_templates, duckdb_path, tmp_path) -> Iterator[Loaded]:
    tags = {"dagster/asset_partition_range_start": MONTHS[0], "dagster/asset_partition_range_end": MONTHS[1]}
    with load_templates.copy("chess_source_job", tags, duckdb_path, tmp_path / "instance") as loaded:
        yield loaded


def test_a_load_and_a_mart_build_succeed_while_the_dashboard_refreshes(loaded_raw, dagster_env, tmp_path):
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-m", "chess_dagster_tests.e2e.dashboard_reader", str(stop)],
        cwd=PROJECT_ROOT,
        env=dagster_env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for command in (
            [CHESS_LOAD, "all", NEXT_MONTH],
            [DG, "launch", "--job", "chess_mart_job", "--partition", NEXT_MONTH],
        ):
            done = subprocess.run(
                command, cwd=PROJECT_ROOT, env=dagster_env, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, (command, done.stdout[-3000:], done.stderr[-3000:])
    finally:
        stop.touch()
        met = json.loads(reader.communicate(timeout=60)[0])
    assert met["read"] > 0 and met["busy"] > 0, met  # it read, and it met the writers at work


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
def test_the_player_page_shows_the_fixtures_figures_and_draws_its_three_charts(mart):
    url, truth = mart
    player = truth.busiest_player()
    games, wins, draws, losses, _, _ = player_summary(truth, player)[0]
    with ui_page(f"{url}/?player={player}", "How the games end", first_visit_dialog=False) as page:
        assert metric_value(page, "Games") == f"{games:,}"
        assert metric_value(page, "Wins / draws / losses") == f"{wins} / {draws} / {losses}"
        assert charts_drawn(page, 3) == 3  # rating history, results by month, endings
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
def test_the_coverage_page_lists_the_roster(mart):
    url, truth = mart
    with ui_page(f"{url}/coverage", "Last load of each table", first_visit_dialog=False) as page:
        assert metric_value(page, "Players") == str(len(truth.roster))
        page.get_by_text("did not answer").first.wait_for(timeout=30_000)
