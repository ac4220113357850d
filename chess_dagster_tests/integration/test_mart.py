"""The dbt mart (chess_dbt/), built by Dagster for a run's months, against the fixture API's truth."""

import re
from collections.abc import Iterator

import dagster as dg
import duckdb
import pytest

from chess_dagster.definitions import defs
from chess_dagster_tests.conftest import PLAYERS, Loaded, query, small_universe
from fixture import Month

MONTHS = ("2022-09", "2022-10")
MART = ("chess/games", "chess/player_games")


@pytest.fixture
def loaded(load_templates, duckdb_path, tmp_path) -> Iterator[Loaded]:
    """Players, profiles and two months of games, loaded in one run; copied for each test."""
    tags = {"dagster/asset_partition_range_start": MONTHS[0], "dagster/asset_partition_range_end": MONTHS[1]}
    with load_templates.copy("chess_source_job", tags, duckdb_path, tmp_path / "instance") as copied:
        yield copied


def build_mart(loaded: Loaded, first: str, last: str) -> dg.ExecuteInProcessResult:
    """The mart's models for months ``first``..``last``, one run, as the UI or `dg launch` runs them."""
    job = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection={dg.AssetKey.from_user_string(key) for key in MART}
    )
    tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
    return job.execute_in_process(instance=loaded.instance, tags=tags, raise_on_error=False)


def fixture_games(months: tuple[str, ...]) -> dict[str, dict]:
    """The games the fixture API lists for the loaded players in ``months``, by url: the truth."""
    universe = small_universe()
    players = universe.titled_usernames("GM")[:PLAYERS]
    return {
        game["url"]: {**game, "month": month}
        for month in months
        for player in players
        for game in universe.games(player, Month.parse(month)) or []
    }


def eco_tag(game: dict) -> str | None:
    found = re.search(r'\[ECO "([^"]*)"\]', game.get("pgn", ""))
    return found.group(1) if found and found.group(1) else None


def winner(game: dict) -> str:
    return next((side for side in ("white", "black") if game[side]["result"] == "win"), "draw")


def test_games_hold_one_row_per_fixture_game_with_its_eco_code_plies_and_winner(loaded):
    assert build_mart(loaded, *MONTHS).success
    columns = "url, month, eco, plies, winner, white, black"
    rows = query(loaded.duckdb_path, f"select {columns} from chess_analytics.games")
    expected = {
        url: (
            game["month"],
            eco_tag(game),
            len(game["tcn"]) // 2 if game.get("tcn") else None,
            winner(game),
            game["white"]["username"].lower(),
            game["black"]["username"].lower(),
        )
        for url, game in fixture_games(MONTHS).items()
    }
    assert {url: tuple(values) for url, *values in rows} == expected


def test_player_games_hold_each_game_once_for_each_roster_player_in_it(loaded):
    assert build_mart(loaded, *MONTHS).success
    roster = {name for (name,) in query(loaded.duckdb_path, "select username from chess_data.players")}
    expected = {
        (game[colour]["username"].lower(), url, colour, "win" if game[colour]["result"] == "win" else None)
        for url, game in fixture_games(MONTHS).items()
        for colour in ("white", "black")
        if game[colour]["username"].lower() in roster
    }
    rows = query(
        loaded.duckdb_path,
        "select player, url, colour, case when outcome = 'win' then 'win' end "
        "from chess_analytics.player_games",
    )
    assert len(rows) == len(expected)
    assert set(rows) == expected


def test_rebuilding_a_month_replaces_it_and_a_month_without_games_keeps_no_rows(loaded):
    assert build_mart(loaded, *MONTHS).success
    with duckdb.connect(loaded.duckdb_path) as connection:
        connection.execute("delete from chess_data.players_games where archive_month = '2022-10'")
    assert build_mart(loaded, "2022-10", "2022-10").success
    by_month = "select month, count(*) from chess_analytics.games group by month"
    counts = dict(query(loaded.duckdb_path, by_month))
    september = sum(1 for game in fixture_games(MONTHS).values() if game["month"] == "2022-09")
    assert counts == {"2022-09": september}


def test_a_duplicated_raw_game_fails_the_blocking_unique_url_test(loaded):
    with duckdb.connect(loaded.duckdb_path) as connection:
        connection.execute(
            "insert into chess_data.players_games select * from chess_data.players_games "
            "where archive_month = '2022-10' order by url limit 1"
        )
    result = build_mart(loaded, *MONTHS)
    failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
    assert "unique_games_url" in failed
    assert not result.success  # blocking: the run fails on it
