"""The dbt mart (chess_dbt/), built by Dagster for a run's months, against the fixture API's truth."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from chess_dagster.definitions import defs
from chess_dagster.runs.failures import first_failure_reason
from chess_dagster_tests.conftest import query
from chess_dagster_tests.loads import PLAYERS, Loaded, small_universe
from chess_dagster_tests.mart_build import MONTHS, build_mart, copied_load
from chess_dagster_tests.mart_truth import (
    MODEL_QUERIES,
    expected_models,
    fixture_games,
    in_order,
)
from chess_dagster_tests.stats_truth import fixture_stats


@pytest.mark.parametrize("model", sorted(MODEL_QUERIES))
def test_each_model_equals_what_the_fixture_games_say(built, model):
    roster = {name for (name,) in query(built.duckdb_path, "select username from chess_data.players")}
    rows = in_order(query(built.duckdb_path, MODEL_QUERIES[model]))
    assert rows == expected_models(MONTHS, roster)[model]
    assert rows, "the fixture's months have rows for every model"


def test_player_ratings_hold_each_roster_players_stats_as_the_fixture_serves_them(built):
    loaded = small_universe().titled_usernames("GM")[:PLAYERS]  # the opponents added have no stats
    ratings = "select player, kind, rating, best_rating, wins from chess_analytics.player_ratings"
    rows = query(built.duckdb_path, ratings)
    expected = {row[:5] for row in fixture_stats(small_universe(), loaded)}
    assert set(rows) == expected and rows


def test_coverage_marks_each_loaded_players_months_loaded_and_the_listed_opponents_not(built):
    loaded = {name.lower() for name in small_universe().titled_usernames("GM")[:PLAYERS]}
    roster = {name for (name,) in query(built.duckdb_path, "select username from chess_data.players")}
    rows = query(
        built.duckdb_path, "select player, month, loaded, loaded_at is not null from chess_analytics.coverage"
    )
    expected = {(player, month, player in loaded, player in loaded) for player in roster for month in MONTHS}
    assert set(rows) == expected and len(rows) == len(expected)


def test_the_roster_counts_the_months_coverage_holds_loaded(built):
    months = dict(query(built.duckdb_path, "select player, months_loaded from chess_analytics.roster"))
    loaded = {name.lower() for name in small_universe().titled_usernames("GM")[:PLAYERS]}
    assert months == {player: len(MONTHS) if player in loaded else 0 for player in months} and months


@pytest.fixture
def loaded(load_templates, duckdb_path, tmp_path) -> Iterator[Loaded]:
    """A test's own copy of the load, for tests that change it."""
    with copied_load(load_templates, duckdb_path, tmp_path / "instance") as copied:
        yield copied


def test_rebuilding_a_month_replaces_it_and_a_month_without_games_keeps_no_rows(
    mart_template, duckdb_path, instance
):
    mart_template.copy(Path(duckdb_path).parent)  # both months built
    with duckdb.connect(duckdb_path) as connection:
        connection.execute("delete from chess_data.players_games where archive_month = '2022-10'")
    assert build_mart(instance, "2022-10", "2022-10").success
    by_month = "select month, count(*) from chess_analytics.games group by month"
    counts = dict(query(duckdb_path, by_month))
    september = sum(1 for game in fixture_games(MONTHS).values() if game["month"] == "2022-09")
    assert counts == {"2022-09": september}


def test_a_player_who_left_the_roster_keeps_their_games_in_the_mart(
    mart_template, api_env, universe, duckdb_path, instance, resources
):
    mart_template.copy(Path(duckdb_path).parent)
    leaver = universe.titled_usernames("GM")[0]
    their_games = (
        f"select url from chess_analytics.player_games where player = '{leaver}' and month = '2022-10'"
    )
    before = query(duckdb_path, their_games)
    universe.lists.leave("titled/GM", leaver)
    assert (
        defs.resolve_job_def("chess_roster_job")
        .execute_in_process(instance=instance, resources=resources)
        .success
    )
    assert query(duckdb_path, f"select count(*) from chess_data.players where username = '{leaver}'") == [
        (0,)
    ]
    assert build_mart(instance, "2022-10", "2022-10", models={dg.AssetKey(["chess", "player_games"])}).success
    assert before and sorted(query(duckdb_path, their_games)) == sorted(before)


# Rows of a month no build replaces, each breaking one blocking test of a move model.
BAD_ROWS = {
    "player_time_management_shares_in_range": [
        "insert into chess_analytics.player_time_management by name select 'planted' as player, "
        "'2022-08' as month, 'chess' as rules, 'blitz' as time_class, 2 as games, 3 as time_trouble_games, "
        "1.5 as time_trouble_share, 0 as lost_on_time, 0 as moves_opening, 0 as moves_middlegame, "
        "0 as moves_endgame"
    ],
    "opening_tree_children_within_their_line": [
        "insert into chess_analytics.opening_tree by name select '2022-08' as month, 'blitz' as time_class, "
        f"{line!r} as line, {move!r} as next_move, {games} as games, {games} as white_wins, 0 as draws, "
        "0 as black_wins, 1.0 as white_score"
        for line, move, games in (("", "e4", 1), ("e4", "e5", 2))
    ],
}


@pytest.mark.parametrize("check", sorted(BAD_ROWS))
def test_a_planted_bad_row_of_a_move_model_fails_its_blocking_test(
    check, mart_template, duckdb_path, instance
):
    mart_template.copy(Path(duckdb_path).parent)
    with duckdb.connect(duckdb_path) as connection:
        for statement in BAD_ROWS[check]:
            connection.execute(statement)
    result = build_mart(instance, "2022-10", "2022-10")
    failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
    assert failed == {check}
    assert not result.success


def plant_a_duplicated_game(database: str) -> None:
    with duckdb.connect(database) as connection:
        connection.execute(
            "insert into chess_data.players_games select * from chess_data.players_games "
            "where archive_month = '2022-10' order by url limit 1"
        )


@dataclass(frozen=True)
class FailedBuild:
    result: dg.ExecuteInProcessResult
    dbt_target: Path


@pytest.fixture(scope="module")
def failed_build(load_templates, tmp_path_factory) -> Iterator[FailedBuild]:
    """The mart built once on a copy of the load with one raw game planted twice, for the tests
    that read how the build failed."""
    folder = tmp_path_factory.mktemp("failed_build")
    database = str(folder / "chess.duckdb")
    with (
        pytest.MonkeyPatch.context() as env,
        copied_load(load_templates, database, folder / "instance") as loaded,
    ):
        env.setenv("CHESS_DUCKDB_PATH", database)
        env.setenv("DBT_TARGET_PATH", str(folder / "dbt_target"))
        plant_a_duplicated_game(database)
        yield FailedBuild(build_mart(loaded.instance, *MONTHS), folder / "dbt_target")


@pytest.mark.xdist_group("failed_build")
def test_a_duplicated_raw_game_fails_the_blocking_unique_url_test(failed_build):
    result = failed_build.result
    failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
    assert "unique_games_url" in failed
    assert not result.success  # blocking: the run fails on it
    reason = first_failure_reason(result.all_events)
    assert reason.startswith("dbt build failed: test unique_games_url: Got 1 result"), reason


@pytest.mark.xdist_group("failed_build")
def test_a_failed_build_keeps_its_dbt_log_and_names_it(failed_build):
    reason = first_failure_reason(failed_build.result.all_events)
    kept = failed_build.dbt_target / f"run-{failed_build.result.run_id}" / "chess_mart"
    assert reason.endswith(f"(dbt's log and artifacts: {kept})"), reason
    assert [log.parent.parent for log in kept.glob("*/dbt.log")] == [kept]


def test_a_successful_build_leaves_no_dbt_artifacts_behind(built):
    assert built.dbt_target.is_dir(), "the build's dbt steps wrote their artifacts there"
    assert not list(built.dbt_target.glob("run-*")), "the run's dbt artifacts were kept"


def test_the_hand_written_tables_of_earlier_versions_are_replaced_on_the_first_build(loaded):
    with duckdb.connect(loaded.duckdb_path) as connection:
        connection.execute("create schema chess_analytics")
        connection.execute(
            "create table chess_analytics.openings "
            "(month varchar, eco varchar, opening varchar, games bigint, white_score double precision)"
        )
        connection.execute(
            "insert into chess_analytics.openings "
            "values ('2021-07', 'Sicilian-Defense', 'Sicilian-Defense', 3, 0.5)"
        )
    assert build_mart(loaded.instance, *MONTHS).success
    months = query(loaded.duckdb_path, "select distinct month from chess_analytics.openings order by month")
    assert months == [(month,) for month in MONTHS]
    assert not query(loaded.duckdb_path, "select eco from chess_analytics.openings where eco like '%-%'")


def test_a_model_selected_without_what_it_reads_fails_in_one_line_naming_it(loaded):
    job = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection={dg.AssetKey(["chess", "player_month_stats"])}
    )
    result = job.execute_in_process(instance=loaded.instance, partition_key=MONTHS[0], raise_on_error=False)
    assert not result.success
    reason = first_failure_reason(result.all_events)
    assert "build chess/player_games for these months first" in reason, reason
    assert len(reason.splitlines()) == 1, reason
