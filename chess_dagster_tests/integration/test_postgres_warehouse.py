"""The warehouse by configuration: two DESTINATION__WAREHOUSE__* variables move loads to PostgreSQL."""

from pathlib import Path

import dagster as dg
import psycopg2

from chess_dagster.definitions import defs
from chess_dagster.runs.failures import first_failure_reason
from chess_dagster_tests.conftest import fixture_game_urls
from chess_dagster_tests.e2e.walkthrough import blocks_of
from chess_dagster_tests.loads import small_universe
from chess_dagster_tests.mart_truth import MODEL_QUERIES, expected_models, in_order
from chess_dagster_tests.moves_truth import MOVES_QUERY, expected_moves_by_game, moves_by_game
from chess_dagster_tests.stats_truth import fixture_stats
from fixture.postgres import PASSWORD

ROSTER = {dg.AssetKey(["chess", name]) for name in ("players", "players_profiles", "players_stats")}
GAMES = {dg.AssetKey(["chess", "players_games"])}


def load(selection, instance, resources, **run) -> dg.ExecuteInProcessResult:
    job = defs.resolve_implicit_global_asset_job_def().get_subset(asset_selection=selection)
    return job.execute_in_process(instance=instance, resources=resources, raise_on_error=False, **run)


def game_urls(url: str) -> list[str]:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("select url from chess_data.players_games")
        return [row[0] for row in cursor.fetchall()]


def test_a_month_lands_in_postgres_with_its_checks_passing_and_no_duckdb_file(
    postgres_warehouse, api_env, resources, instance, universe, duckdb_path
):
    for selection, run in ((ROSTER, {}), (GAMES, {"partition_key": "2022-10"})):
        result = load(selection, instance, resources, **run)
        failed = {e.check_name: e.description for e in result.get_asset_check_evaluations() if not e.passed}
        assert result.success and not failed, failed
    urls = game_urls(postgres_warehouse)
    assert sorted(urls) == sorted(fixture_game_urls(universe, ["2022-10"]))
    assert not Path(duckdb_path).exists()
    (months_by_pacific_time,) = blocks_of(
        "docs/months.md", "chess_dagster_tests/integration/test_postgres_warehouse.py"
    )
    with psycopg2.connect(postgres_warehouse) as connection, connection.cursor() as cursor:
        cursor.execute(months_by_pacific_time)
        assert cursor.fetchall() == [("2022-10", len(urls))]


def test_rematerializing_a_month_on_postgres_leaves_the_same_rows(
    postgres_warehouse, api_env, resources, instance, universe
):
    for _ in range(2):
        assert load(GAMES, instance, resources, partition_key="2022-10").success
    urls = game_urls(postgres_warehouse)
    assert len(urls) == len(set(urls))
    assert set(urls) == fixture_game_urls(universe, ["2022-10"])


def test_a_postgres_warehouse_without_credentials_fails_once_naming_the_setting(
    api_env, resources, instance, monkeypatch
):
    monkeypatch.setenv("DESTINATION__WAREHOUSE__DESTINATION_TYPE", "postgres")
    monkeypatch.delenv("DESTINATION__WAREHOUSE__CREDENTIALS", raising=False)
    result = load(GAMES, instance, resources, partition_key="2022-10")
    assert not result.success
    assert "set DESTINATION__WAREHOUSE__CREDENTIALS" in first_failure_reason(result.all_events)
    assert not [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]


MART = {
    spec.key
    for spec in defs.resolve_all_asset_specs()
    if spec.group_name in ("chess_moves", "chess_analytics")
}


def test_every_model_of_the_mart_on_postgres_equals_what_the_fixture_games_say(
    postgres_warehouse, api_env, resources, instance
):
    for selection, run in (
        (ROSTER, {}),
        (GAMES, {"partition_key": "2022-10"}),
        (MART, {"partition_key": "2022-10"}),
    ):
        assert load(selection, instance, resources, **run).success
    with psycopg2.connect(postgres_warehouse) as connection, connection.cursor() as cursor:
        cursor.execute("select username from chess_data.players")
        roster = sorted(name for (name,) in cursor.fetchall())
        expected = expected_models(["2022-10"], set(roster))
        for model, sql in MODEL_QUERIES.items():
            cursor.execute(sql)
            assert in_order(cursor.fetchall()) == expected[model], model
        cursor.execute("select player, kind, rating, best_rating, wins from chess_analytics.player_ratings")
        assert set(cursor.fetchall()) == {row[:5] for row in fixture_stats(small_universe(), roster)}
        cursor.execute(MOVES_QUERY)
        assert moves_by_game(cursor.fetchall()) == expected_moves_by_game(small_universe(), ["2022-10"])
    assert expected["player_month_stats"] and expected["rating_history"]


def test_merge_keys_are_indexed_unique_on_postgres(postgres_warehouse, api_env, resources, instance):
    for selection, run in ((ROSTER, {}), (GAMES, {"partition_key": "2022-10"})):
        assert load(selection, instance, resources, **run).success
    with psycopg2.connect(postgres_warehouse) as connection, connection.cursor() as cursor:
        cursor.execute("select tablename, indexdef from pg_indexes where schemaname = 'chess_data'")
        unique = {
            (table, index.split("(")[-1].rstrip(")"))
            for table, index in cursor.fetchall()
            if "UNIQUE" in index
        }
    assert {("players_games", "url"), ("players_profiles", "player_id"), ("players", "username")} <= unique


def test_an_unknown_warehouse_type_fails_once_naming_the_setting(api_env, resources, instance, monkeypatch):
    monkeypatch.setenv("DESTINATION__WAREHOUSE__DESTINATION_TYPE", "nosuchdb")
    result = load(GAMES, instance, resources, partition_key="2022-10")
    assert not result.success
    reason = first_failure_reason(result.all_events)
    assert reason.startswith("DESTINATION__WAREHOUSE__DESTINATION_TYPE='nosuchdb' is not a dlt destination")


def test_a_password_dbt_would_mask_in_node_names_fails_the_mart_in_one_line(
    postgres_warehouse, api_env, resources, instance, monkeypatch
):
    url = postgres_warehouse.replace(f":{PASSWORD}@", ":chess@")  # trust auth: any password connects
    monkeypatch.setenv("DESTINATION__WAREHOUSE__CREDENTIALS", url)
    result = load({dg.AssetKey(["chess", "games"])}, instance, resources, partition_key="2022-10")
    assert not result.success
    reason = first_failure_reason(result.all_events)
    assert reason.startswith("the PostgreSQL password is part of the dbt project's node names"), reason
