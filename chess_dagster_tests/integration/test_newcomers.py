"""A newcomer's history, loaded by itself: after a roster load that adds players, the newcomers
sensor asks for runs of every month narrowed to them, and those runs ask for no one else's archives."""

import json

import dagster as dg
import pytest

from chess_dagster.definitions import defs
from chess_dagster.defs.ingest.partitions import games_months
from chess_dagster.defs.rosters.sensors import NEWCOMER_COUNT_TAG, NEWCOMERS_TAG, newcomers_history_sensor
from fixture import ChessUniverse

CLUB = "fixture-titled-club"


def club_members(universe: ChessUniverse) -> set[str]:
    answer = universe.lists.club_members(CLUB) or {}
    return {member["username"] for listed in answer.values() for member in listed}


def outsiders(universe: ChessUniverse, count: int) -> list[str]:
    return [name for name in sorted(universe.players) if name not in club_members(universe)][:count]


@pytest.fixture
def club_roster(api_env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCES__CHESS__CLUBS", json.dumps([CLUB]))
    monkeypatch.setenv("SOURCES__CHESS__MAX_PLAYERS", "1000")


def load_roster(instance, resources) -> None:
    assert (
        defs.resolve_job_def("chess_roster_job")
        .execute_in_process(instance=instance, resources=resources)
        .success
    )


def tick(instance, cursor: str | None = None) -> dg.SensorResult:
    with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
        result = newcomers_history_sensor(context)
    assert isinstance(result, dg.SensorResult)
    return result


def runs_of(result: dg.SensorResult) -> list[dg.RunRequest]:
    return list(result.run_requests or [])


def test_a_first_roster_into_an_empty_warehouse_launches_nothing(club_roster, instance, resources):
    load_roster(instance, resources)
    assert runs_of(tick(instance)) == []


def test_a_player_joining_the_club_gets_a_run_of_every_month_named_in_its_tags(
    club_roster, universe, instance, resources
):
    load_roster(instance, resources)
    (newcomer,) = outsiders(universe, 1)
    universe.lists.join(f"club/{CLUB}", newcomer)
    load_roster(instance, resources)
    (run,) = runs_of(tick(instance))
    months = games_months()
    assert run.run_config == {"ops": {"chess_source": {"config": {"players": [newcomer]}}}}
    assert run.tags["dagster/asset_partition_range_start"] == months[0]
    assert run.tags["dagster/asset_partition_range_end"] == months[-1]
    assert (run.tags[NEWCOMERS_TAG], run.tags[NEWCOMER_COUNT_TAG]) == (newcomer, "1")


def test_newcomers_come_in_runs_of_at_most_the_setting(
    club_roster, monkeypatch, universe, instance, resources
):
    monkeypatch.setenv("CHESS_NEWCOMERS_PER_RUN", "2")
    load_roster(instance, resources)
    newcomers = outsiders(universe, 5)
    for name in newcomers:
        universe.lists.join(f"club/{CLUB}", name)
    load_roster(instance, resources)
    runs = runs_of(tick(instance))
    assert [int(run.tags[NEWCOMER_COUNT_TAG]) for run in runs] == [2, 2, 1]
    assert sorted(
        p for run in runs for p in run.run_config["ops"]["chess_source"]["config"]["players"]
    ) == sorted(newcomers)


def test_a_restarted_sensor_asks_for_the_same_runs_under_the_same_keys(
    club_roster, universe, instance, resources
):
    load_roster(instance, resources)
    universe.lists.join(f"club/{CLUB}", outsiders(universe, 1)[0])
    load_roster(instance, resources)
    first = tick(instance)
    assert runs_of(tick(instance, first.cursor)) == []
    assert [r.run_key for r in runs_of(tick(instance))] == [r.run_key for r in runs_of(first)]


def test_a_newcomers_run_loads_their_whole_history_and_no_one_elses_archives(
    club_roster, api_env, universe, instance, resources, duckdb_path
):
    load_roster(instance, resources)
    (newcomer,) = outsiders(universe, 1)
    universe.lists.join(f"club/{CLUB}", newcomer)
    load_roster(instance, resources)
    (run,) = runs_of(tick(instance))
    api_env.state.reset_stats()
    result = defs.resolve_job_def("chess_games_job").execute_in_process(
        instance=instance, resources=resources, run_config=run.run_config, tags=run.tags
    )
    assert result.success
    assert api_env.state.stats()["by_route"]["archives"] == 1
    with resources["warehouse"].sql_client() as client:
        table = client.make_qualified_table_name("players_games")
        loaded = {url for (url,) in client.execute_sql(f"select url from {table}") or []}
    assert loaded == universe.game_urls([newcomer], list(games_months()))
