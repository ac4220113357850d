"""Running itself: schedules, the mart's automation, freshness."""

from collections.abc import Iterator

import dagster as dg
import pytest

from chess_dagster.definitions import defs
from chess_dagster_tests.loads import Loaded

GAMES, PLAYERS_KEY, PROFILES, STATS, RATINGS, COVERAGE = (
    dg.AssetKey(["chess", n])
    for n in ("players_games", "players", "players_profiles", "players_stats", "player_ratings", "coverage")
)
MONTH = "2022-10"
ONE_MONTH = {"dagster/asset_partition_range_start": MONTH, "dagster/asset_partition_range_end": MONTH}
MART_BY_MONTH = {
    spec.key
    for spec in defs.resolve_all_asset_specs()
    if spec.group_name == "chess_analytics" and spec.partitions_def is not None
}
MOVES = {dg.AssetKey(["chess", "game_moves"]), dg.AssetKey(["chess", "game_facts"])}


def run(instance, resources, keys, partition_key=None):
    job = defs.resolve_implicit_global_asset_job_def().get_subset(asset_selection=set(keys))
    return job.execute_in_process(instance=instance, resources=resources, partition_key=partition_key)


@pytest.fixture
def loaded_month(load_templates, duckdb_path, tmp_path) -> Iterator[Loaded]:
    """Players, profiles and 2022-10's games, in one run (as ``chess-load all 2022-10`` loads them):
    run once, copied for each test."""
    with load_templates.copy("chess_source_job", ONE_MONTH, duckdb_path, tmp_path / "instance") as copied:
        yield copied


def test_schedules_and_automation_run_by_default():
    assert defs.schedules is not None and defs.sensors is not None
    assert {s.name: s.default_status for s in defs.schedules} == {
        "current_month_games_schedule": dg.DefaultScheduleStatus.RUNNING,
        "weekly_roster_schedule": dg.DefaultScheduleStatus.RUNNING,
    }
    assert all(s.default_status == dg.DefaultSensorStatus.RUNNING for s in defs.sensors)


def test_a_new_games_month_requests_its_moves_and_analytics_and_nothing_else(api_env, resources, instance):
    run(instance, resources, {PLAYERS_KEY, PROFILES})
    before = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    run(instance, resources, {GAMES}, "2022-10")
    after = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=before.cursor)
    # the models do not wait for the month's moves (never read yet): both in the same tick
    assert {key: after.get_requested_partitions(key) for key in MART_BY_MONTH | MOVES} == {
        key: {"2022-10"} for key in MART_BY_MONTH | MOVES
    }
    assert after.get_requested_partitions(PLAYERS_KEY) == set()
    assert after.get_num_requested(RATINGS) == 0
    assert after.get_num_requested(COVERAGE) == 1  # what is loaded changed


def test_a_new_instance_requests_no_model_before_anything_is_loaded(instance):
    first_tick = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    assert first_tick.total_requested == 0


def test_a_roster_loaded_before_any_games_requests_no_model_that_reads_the_games(
    api_env, resources, instance
):
    before = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    run(instance, resources, {PLAYERS_KEY, PROFILES})
    after = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=before.cursor)
    assert after.get_num_requested(COVERAGE) == 0
    assert all(after.get_num_requested(key) == 0 for key in MART_BY_MONTH)


def test_new_stats_request_the_ratings_model_and_no_month(api_env, resources, instance):
    run(instance, resources, {PLAYERS_KEY, PROFILES})
    before = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    run(instance, resources, {STATS})
    after = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=before.cursor)
    assert after.get_num_requested(RATINGS) == 1
    assert all(after.get_num_requested(key) == 0 for key in MART_BY_MONTH)


def test_fresh_games_pass_their_freshness_check(loaded_month, resources):
    assert defs.asset_checks is not None
    freshness = [
        c
        for c in defs.asset_checks
        if GAMES in {k.asset_key for k in c.check_keys}
        and any(k.name.startswith("freshness") for k in c.check_keys)
    ]
    job = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_check_selection={k for c in freshness for k in c.check_keys}, asset_selection=set()
    )
    result = job.execute_in_process(instance=loaded_month.instance, resources=resources)
    assert [e.passed for e in result.get_asset_check_evaluations()] == [True]
