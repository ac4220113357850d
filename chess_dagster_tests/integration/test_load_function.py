"""``sources/chess_com/load.load_chess`` on a bare dlt pipeline, no Dagster: the source's tables against the
fixture API, and a report of what the load did."""

from collections.abc import Iterator

import dlt
import pytest

from chess_dagster.sources.chess_com.load import load_chess
from chess_dagster.sources.chess_com.tables import TABLE_NAMES
from chess_dagster_tests.conftest import fixture_game_urls
from chess_dagster_tests.loads import PLAYERS, small_universe
from chess_dagster_tests.stats_truth import fixture_stats

MONTHS = ["2022-09", "2022-10"]


@pytest.fixture
def pipeline(api_env, tmp_path) -> Iterator[dlt.Pipeline]:
    database = str(tmp_path / "bare.duckdb")
    yield dlt.pipeline(
        pipeline_name="bare_chess",
        destination=dlt.destinations.duckdb(database),
        dataset_name="chess_data",
        pipelines_dir=str(tmp_path / "dlt"),
    )


def test_a_first_load_reports_each_tables_rows_and_the_games_of_each_month(pipeline):
    report = load_chess(pipeline, TABLE_NAMES, MONTHS)
    universe = small_universe()
    roster = universe.titled_usernames("GM")[:PLAYERS]
    assert report.unchanged == {} and report.loaded == list(TABLE_NAMES)
    assert report.players_asked_for == PLAYERS
    assert report.rows("players") == PLAYERS and report.rows("players_profiles") == PLAYERS
    games = {month: len(fixture_game_urls(universe, [month])) for month in MONTHS}
    assert report.games_by_month == games
    assert report.rows("players_games") == len(fixture_game_urls(universe, MONTHS))
    assert report.rows("players_stats") == len(fixture_stats(universe, roster))
    assert report.history_written


def test_a_second_load_reports_every_table_unchanged_and_why_and_asks_only_for_the_roster(pipeline, api_env):
    load_chess(pipeline, TABLE_NAMES, MONTHS)
    asked_before = api_env.state.stats()["requests"]
    report = load_chess(pipeline, TABLE_NAMES, MONTHS)
    assert report.unchanged == {
        "players": "Chess.com lists the players the warehouse holds",
        "players_profiles": "every profile is fresh (Cache-Control: max-age)",
        "players_stats": "every player's stats are fresh (Cache-Control: max-age)",
        "roster_members": "every player is on the lists the last roster load found",
        "clubs": "no clubs in sources.chess.clubs",
        "countries": "no countries in sources.chess.countries",
        "players_games": "every month is closed and loaded",
    }
    assert report.load_info is None and not report.history_written
    assert api_env.state.stats()["requests"] - asked_before == 1  # the titled list
    assert report.state.requests.attempts == 1


def test_the_ledgers_land_beside_the_data_after_it(pipeline):
    load_chess(pipeline, TABLE_NAMES, MONTHS)
    with pipeline.sql_client() as client:
        counts = {
            name: client.execute_sql(f"select count(*) from {client.make_qualified_table_name(name)}")[0][0]
            for name in ("players_archives", "players_profiles_fetched", "players_stats_fetched")
        }
    assert counts == {
        "players_archives": PLAYERS * len(MONTHS),
        "players_profiles_fetched": PLAYERS,
        "players_stats_fetched": PLAYERS,
    }
