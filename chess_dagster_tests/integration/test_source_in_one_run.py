"""Players, profiles and a range of months asked for together: one run, one step, one dlt load."""

from collections.abc import Iterator

import pytest

from chess_dagster.definitions import defs
from chess_dagster.defs.ingest.keys import GAMES_KEY, TABLE_KEYS
from chess_dagster_tests.conftest import fixture_game_urls, loaded_game_urls, query
from chess_dagster_tests.loads import PLAYERS, Loaded

MONTHS = ["2022-08", "2022-09", "2022-10"]
RANGE = {"dagster/asset_partition_range_start": MONTHS[0], "dagster/asset_partition_range_end": MONTHS[-1]}


@pytest.fixture
def loaded_together(load_templates, duckdb_path, tmp_path) -> Iterator[Loaded]:
    """``chess_source_job`` over three months, with the checks of the raw tables (run once, copied)."""
    with load_templates.copy("chess_source_job", RANGE, duckdb_path, tmp_path / "instance") as loaded:
        yield loaded


def test_the_whole_source_runs_as_one_step(loaded_together):
    steps = [event.step_key for event in loaded_together.result.all_events if event.is_step_success]
    assert steps.count("chess_source") == 1
    materialized = {event.asset_key for event in loaded_together.result.get_asset_materialization_events()}
    assert materialized == set(TABLE_KEYS)


def test_the_whole_source_lands_in_one_dlt_load(loaded_together, duckdb_path):
    load_ids = query(
        duckdb_path,
        "select distinct _dlt_load_id from chess_data.players "
        "union select distinct _dlt_load_id from chess_data.players_profiles "
        "union select distinct _dlt_load_id from chess_data.players_games",
    )
    assert len(load_ids) == 1


def test_loaded_together_the_rows_are_exact(loaded_together, universe, duckdb_path):
    assert query(duckdb_path, "select count(*) from chess_data.players") == [(PLAYERS,)]
    assert query(duckdb_path, "select count(*) from chess_data.players_profiles") == [(PLAYERS,)]
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, MONTHS)


def test_loaded_together_every_check_passes(loaded_together):
    evaluations = loaded_together.result.get_asset_check_evaluations()
    assert evaluations, "the job runs the raw tables' checks"
    failed = {e.check_name: e.description for e in evaluations if not e.passed}
    assert not failed


def test_loaded_together_each_month_is_a_materialized_partition(loaded_together):
    assert loaded_together.instance.get_materialized_partitions(GAMES_KEY) == set(MONTHS)


def test_loaded_together_the_api_is_asked_once_for_the_titled_list(loaded_together):
    assert loaded_together.api_stats["by_route"]["titled"] == 1


def test_loaded_again_with_nothing_changed_nothing_is_loaded(
    loaded_together, api_env, resources, duckdb_path
):
    loads = query(duckdb_path, "select count(*) from chess_data._dlt_loads")
    again = defs.resolve_job_def("chess_source_job").execute_in_process(
        instance=loaded_together.instance, resources=resources, tags=RANGE
    )
    materialized = {
        event.asset_key: event.materialization.metadata for event in again.get_asset_materialization_events()
    }
    assert set(materialized) == set(TABLE_KEYS)
    assert all("unchanged" in metadata for metadata in materialized.values()), "none was loaded"
    assert all(e.passed for e in again.get_asset_check_evaluations())
    assert query(duckdb_path, "select count(*) from chess_data._dlt_loads") == loads
    assert api_env.state.stats()["by_route"] == {"titled": 1}
