"""Loading games month by month through Dagster: exact, idempotent, resilient."""

import time

import dagster as dg
import pytest

from chess_dagster.defs.ingest.assets import ChessLoadConfig, chess_source
from chess_dagster_tests.conftest import fixture_game_urls, loaded_game_urls, query
from chess_dagster_tests.loads import PLAYERS
from fixture import ChessUniverse, Month, running_fixture_api

ALL_ASSETS = [chess_source]


def materialize_games(resources, instance, partition_key=None, tags=None, raise_on_error=True):
    return dg.materialize(
        ALL_ASSETS,
        selection="chess/players_games",
        partition_key=partition_key,
        tags=tags,
        resources=resources,
        instance=instance,
        raise_on_error=raise_on_error,
    )


def test_one_partition_loads_exactly_the_fixture_games_of_its_month(
    api_env, universe, resources, instance, duckdb_path
):
    materialize_games(resources, instance, "2022-10")
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, ["2022-10"])
    # October 2022 in US Pacific time (PDT, UTC-7), as Chess.com files it: its last games end
    # after UTC midnight of 1 November.
    month_bounds = query(
        duckdb_path,
        "select min(end_time) >= '2022-10-01 07:00:00+00'::timestamptz, "
        "max(end_time) < '2022-11-01 07:00:00+00'::timestamptz, "
        "max(end_time) >= '2022-11-01 00:00:00+00'::timestamptz from chess_data.players_games",
    )
    assert month_bounds == [(True, True, True)]


def test_rematerializing_a_month_keeps_the_row_count(api_env, resources, instance, duckdb_path):
    materialize_games(resources, instance, "2022-10")
    first = query(duckdb_path, "select count(*) from chess_data.players_games")
    materialize_games(resources, instance, "2022-10")
    assert query(duckdb_path, "select count(*) from chess_data.players_games") == first


def test_two_months_accumulate(api_env, universe, resources, instance, duckdb_path):
    materialize_games(resources, instance, "2022-09")
    materialize_games(resources, instance, "2022-10")
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, ["2022-09", "2022-10"])


def test_a_partition_range_loads_every_month_in_one_run(api_env, universe, resources, instance, duckdb_path):
    result = materialize_games(
        resources,
        instance,
        tags={
            "dagster/asset_partition_range_start": "2022-01",
            "dagster/asset_partition_range_end": "2022-04",
        },
    )
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(
        universe, ["2022-01", "2022-02", "2022-03", "2022-04"]
    )
    assert api_env.state.stats()["by_route"]["titled"] == 1  # the titled list once for the range
    materialized = instance.get_materialized_partitions(dg.AssetKey(["chess", "players_games"]))
    assert materialized == {"2022-01", "2022-02", "2022-03", "2022-04"}
    assert result.success


def test_a_game_between_two_loaded_players_is_loaded_once(
    api_env, universe, resources, instance, duckdb_path
):
    months = ["2022-05", "2022-06", "2022-07"]  # the fixture's roster meets itself in them
    loaded = universe.titled_usernames("GM")[:PLAYERS]
    per_player = [universe.game_urls([username], months) for username in loaded]
    shared = {
        url for i, urls in enumerate(per_player) for other in per_player[i + 1 :] for url in urls & other
    }
    assert shared, "the fixture has games between two loaded players in these months"
    materialize_games(
        resources,
        instance,
        tags={
            "dagster/asset_partition_range_start": months[0],
            "dagster/asset_partition_range_end": months[-1],
        },
    )
    assert query(duckdb_path, "select count(*), count(distinct url) from chess_data.players_games") == [
        (len(fixture_game_urls(universe, months)),) * 2
    ]


def test_a_month_without_games_succeeds_and_loads_nothing(
    monkeypatch, universe, resources, instance, duckdb_path
):
    late_universe = ChessUniverse(players_per_title=6, games_per_month=12, first_month=Month(2022, 6))
    with running_fixture_api(late_universe) as server:
        monkeypatch.setenv("SOURCES__CHESS__CHESS_URL", server.base_url)
        result = materialize_games(resources, instance, "2022-02")
        month_requests = server.state.stats()["by_route"].get("month", 0)
    assert result.success
    assert month_requests == 0  # the archives list says there is nothing to fetch
    assert loaded_game_urls(duckdb_path) == set()


def test_games_columns_with_epoch_seconds_are_timestamps(api_env, resources, instance, duckdb_path):
    materialize_games(resources, instance, "2022-10")
    types = dict(
        query(
            duckdb_path,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'chess_data' and table_name = 'players_games'",
        )
    )
    assert types["end_time"].startswith("TIMESTAMP")
    assert types["start_time"].startswith("TIMESTAMP")


def test_throttling_and_server_errors_lose_no_games(api_env, universe, resources, instance, duckdb_path):
    api_env.state.configure({"throttle_rate": 0.25, "error_rate": 0.25, "retry_after_s": 1})
    materialize_games(resources, instance, "2022-10")
    stats = api_env.state.stats()["by_status"]
    assert int(stats.get("429", 0)) + int(stats.get("503", 0)) > 0  # faults really happened
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, ["2022-10"])


def test_unknown_configured_player_fails_once_with_a_clear_message(
    api_env, monkeypatch, resources, instance, duckdb_path
):
    monkeypatch.setenv("SOURCES__CHESS__PLAYERS", '["no_such_player_xyz"]')
    result = materialize_games(resources, instance, "2022-10", raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE)
    message = failure.step_failure_data.error.message
    assert "no player 'no_such_player_xyz'" in message and "sources.chess.players" in message
    assert not any(e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY for e in result.all_events)


@pytest.mark.parametrize("knob", ["closed_players", "gone_players"])  # answered 404, 410
def test_a_player_who_vanishes_after_listing_is_skipped(
    api_env, universe, resources, instance, duckdb_path, knob
):
    vanished, *remaining = universe.titled("GM")[:PLAYERS]
    api_env.state.configure({knob: [vanished]})
    result = materialize_games(resources, instance, "2022-10")
    assert result.success
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, ["2022-10"], remaining)
    (games,) = result.get_asset_materialization_events()
    assert games.materialization.metadata["closed_accounts_skipped"].value == 1


@pytest.mark.parametrize(
    "setting,value,expected",
    [
        ("SOURCES__CHESS__CHESS_URL", "ftp//nowhere", "sources.chess.chess_url"),
        ("SOURCES__CHESS__TITLE", "XYZ", "sources.chess.title"),
        ("SOURCES__CHESS__MAX_PLAYERS", "0", "sources.chess.max_players"),
    ],
)
def test_bad_configuration_fails_without_retries_naming_the_setting(
    api_env, monkeypatch, resources, instance, setting, value, expected
):
    monkeypatch.setenv(setting, value)
    result = materialize_games(resources, instance, "2022-10", raise_on_error=False)
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE)
    assert expected in failure.step_failure_data.error.message
    assert not any(e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY for e in result.all_events)


def test_a_closed_month_already_loaded_is_not_downloaded_again(
    api_env, universe, resources, instance, duckdb_path
):
    materialize_games(resources, instance, "2022-10")
    api_env.state.reset_stats()
    materialize_games(resources, instance, "2022-10")
    assert api_env.state.stats()["by_route"] == {"titled": 1}
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, ["2022-10"])


def test_rechecking_closed_months_asks_with_etags_and_gets_304s(
    api_env, universe, resources, instance, duckdb_path
):
    materialize_games(resources, instance, "2022-10")
    api_env.state.reset_stats()
    dg.materialize(
        ALL_ASSETS,
        selection="chess/players_games",
        partition_key="2022-10",
        resources=resources,
        instance=instance,
        run_config=dg.RunConfig({"chess_source": ChessLoadConfig(recheck_closed_months=True)}),
    )
    stats = api_env.state.stats()
    assert (
        stats["by_route"]["month"] > 0
        and stats["by_status"].get("200", 0) == 1 + stats["by_route"]["archives"]
    )
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, ["2022-10"])


def test_the_current_month_is_always_asked_for_again(api_env, universe, resources, instance):
    month = time.strftime("%Y-%m", time.gmtime())
    assert fixture_game_urls(universe, [month])  # the month in progress has games already
    materialize_games(resources, instance, month)
    api_env.state.reset_stats()
    materialize_games(resources, instance, month)
    stats = api_env.state.stats()
    assert stats["by_route"]["archives"] == PLAYERS  # asked again...
    assert stats["by_status"].get("304", 0) >= 1  # ...conditionally: unchanged archives cost a 304


def test_requests_in_flight_stay_within_max_concurrency(
    api_env, monkeypatch, universe, resources, instance, duckdb_path
):
    monkeypatch.setenv("SOURCES__CHESS__MAX_CONCURRENCY", "2")
    api_env.state.configure({"latency_ms": 30})
    materialize_games(
        resources,
        instance,
        tags={
            "dagster/asset_partition_range_start": "2022-01",
            "dagster/asset_partition_range_end": "2022-06",
        },
    )
    assert api_env.state.stats()["max_in_flight_seen"] == 2
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, [f"2022-0{m}" for m in range(1, 7)])


def test_a_429_storm_lowers_concurrency_and_loses_nothing(
    api_env, monkeypatch, universe, resources, instance, duckdb_path
):
    monkeypatch.setenv("SOURCES__CHESS__MAX_CONCURRENCY", "8")
    api_env.state.configure({"latency_ms": 30, "max_in_flight": 1, "retry_after_s": 1})
    materialize_games(
        resources,
        instance,
        tags={
            "dagster/asset_partition_range_start": "2022-01",
            "dagster/asset_partition_range_end": "2022-03",
        },
    )
    stats = api_env.state.stats()
    assert int(stats["by_status"]["429"]) < stats["requests"] / 2  # backed off instead of storming
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, ["2022-01", "2022-02", "2022-03"])


def test_what_a_load_writes_for_bookkeeping_does_not_grow_with_the_months_already_loaded(
    api_env, resources, instance, duckdb_path
):
    """dlt's state blob keeps its size, and each load merges only its own archives (players x months)."""
    written = []
    for month in ("2022-07", "2022-08", "2022-09", "2022-10"):
        materialize_games(resources, instance, month)
        ((state_bytes, archives),) = query(
            duckdb_path,
            "select (select length(state) from chess_data._dlt_pipeline_state "
            "order by created_at desc limit 1), (select count(*) from chess_data.players_archives "
            "where _dlt_load_id = (select max(_dlt_load_id) from chess_data.players_archives))",
        )
        written.append((state_bytes, archives))
    assert {archives for _, archives in written} == {PLAYERS}
    assert max(size for size, _ in written) - min(size for size, _ in written) <= 16, written


def test_a_warm_rerun_that_loads_no_rows_writes_no_load_history(api_env, resources, instance, duckdb_path):
    materialize_games(resources, instance, "2022-10")
    history = "select count(*) from chess_data._load_info"
    before = query(duckdb_path, history)
    materialize_games(resources, instance, "2022-10")
    assert query(duckdb_path, history) == before == [(1,)]
