"""Players and profiles: the roster every games load hangs off."""

import time

import dagster as dg

from chess_dagster.definitions import defs
from chess_dagster.defs.ingest.assets import chess_source
from chess_dagster.defs.ingest.keys import GAMES_KEY, PLAYERS_KEY, PROFILES_KEY
from chess_dagster_tests.conftest import query
from chess_dagster_tests.loads import PLAYERS


def materialize_roster(resources, instance):
    return dg.materialize(
        [chess_source], selection=[PLAYERS_KEY, PROFILES_KEY], resources=resources, instance=instance
    )


def test_players_are_the_first_titled_players_asked_for(api_env, universe, resources, instance, duckdb_path):
    materialize_roster(resources, instance)
    players = [name for (name,) in query(duckdb_path, "select username from chess_data.players order by 1")]
    assert players == sorted(universe.titled("GM")[:PLAYERS])


def test_an_explicit_players_list_replaces_the_titled_list(
    api_env, monkeypatch, universe, resources, instance, duckdb_path
):
    chosen = universe.titled("IM")[:2]
    monkeypatch.setenv("SOURCES__CHESS__PLAYERS", str([name.upper() for name in chosen]).replace("'", '"'))
    materialize_roster(resources, instance)
    assert sorted(n for (n,) in query(duckdb_path, "select username from chess_data.players")) == sorted(
        chosen
    )


def test_one_profile_per_player_after_repeated_loads(api_env, resources, instance, duckdb_path):
    materialize_roster(resources, instance)
    materialize_roster(resources, instance)
    assert query(
        duckdb_path, "select count(*), count(distinct player_id) from chess_data.players_profiles"
    ) == [(PLAYERS, PLAYERS)]
    assert query(duckdb_path, "select count(*) from chess_data.players") == [(PLAYERS,)]


def test_a_profile_still_fresh_is_not_asked_for_again(api_env, resources, instance):
    materialize_roster(resources, instance)  # the fixture says max-age=300
    api_env.state.reset_stats()
    materialize_roster(resources, instance)
    assert api_env.state.stats()["by_route"] == {"titled": 1}


def test_a_stale_unchanged_profile_costs_a_304_and_is_not_rewritten(
    api_env, resources, instance, duckdb_path
):
    api_env.state.configure({"max_age_s": 0})
    materialize_roster(resources, instance)
    loaded = query(duckdb_path, "select player_id, _dlt_load_id from chess_data.players_profiles order by 1")
    api_env.state.reset_stats()
    materialize_roster(resources, instance)
    assert api_env.state.stats()["by_route_status"]["profile 304"] == PLAYERS
    assert (
        query(duckdb_path, "select player_id, _dlt_load_id from chess_data.players_profiles order by 1")
        == loaded
    )


def test_a_profile_is_fresh_for_the_max_age_its_answer_gave(api_env, resources, instance, duckdb_path):
    api_env.state.configure({"max_age_s": 3600})
    materialize_roster(resources, instance)
    now = time.time()
    [(soonest, latest)] = query(
        duckdb_path,
        "select min(epoch(fresh_until)), max(epoch(fresh_until)) from chess_data.players_profiles_fetched",
    )
    assert now + 3600 - 60 < soonest <= latest <= now + 3600


def test_a_roster_naming_the_same_players_is_not_rewritten(api_env, resources, instance, duckdb_path):
    materialize_roster(resources, instance)
    loaded = query(duckdb_path, "select username, _dlt_load_id from chess_data.players order by 1")
    again = materialize_roster(resources, instance)
    assert query(duckdb_path, "select username, _dlt_load_id from chess_data.players order by 1") == loaded
    (players,) = [e for e in again.get_asset_materialization_events() if e.asset_key == PLAYERS_KEY]
    assert players.materialization.metadata["rows_loaded"].value == 0


def test_a_roster_that_changed_replaces_the_players(
    api_env, monkeypatch, universe, resources, instance, duckdb_path
):
    materialize_roster(resources, instance)
    monkeypatch.setenv("SOURCES__CHESS__MAX_PLAYERS", str(PLAYERS - 1))
    materialize_roster(resources, instance)
    players = [name for (name,) in query(duckdb_path, "select username from chess_data.players order by 1")]
    assert players == sorted(universe.titled("GM")[: PLAYERS - 1])


def test_profile_epoch_fields_are_timestamps(api_env, resources, instance, duckdb_path):
    materialize_roster(resources, instance)
    types = dict(
        query(
            duckdb_path,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'chess_data' and table_name = 'players_profiles'",
        )
    )
    assert types["joined"].startswith("TIMESTAMP") and types["last_online"].startswith("TIMESTAMP")


def test_asset_keys_group_and_lineage():
    graph = defs.resolve_asset_graph()
    players, profiles, games = (
        dg.AssetKey(["chess", n]) for n in ("players", "players_profiles", "players_games")
    )
    assert {players, profiles, games} <= set(graph.get_all_asset_keys())
    assert graph.get(players).parent_keys == set()
    assert graph.get(profiles).parent_keys == {players}
    assert graph.get(games).parent_keys == {players}
    assert {graph.get(k).group_name for k in (players, profiles, games)} == {"chess"}


def test_games_are_monthly_partitioned_from_the_start_month_to_the_current_month():
    partitions = chess_source.specs_by_key[GAMES_KEY].partitions_def
    assert partitions is not None
    keys = partitions.get_partition_keys()
    assert keys[0] == "2022-01"
    import time

    assert keys[-1] == time.strftime("%Y-%m", time.gmtime())
    assert chess_source.backfill_policy == dg.BackfillPolicy.single_run()


def test_the_loading_step_has_an_exponential_retry_policy_with_jitter():
    policy = chess_source.op.retry_policy
    assert policy is not None
    assert policy.max_retries >= 3
    assert policy.backoff == dg.Backoff.EXPONENTIAL and policy.jitter == dg.Jitter.PLUS_MINUS


def test_every_duckdb_writer_is_in_the_duckdb_pool():
    assert chess_source.op.pool == "chess_duckdb"
