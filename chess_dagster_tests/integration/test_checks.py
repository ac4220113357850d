"""Asset checks pass on a clean load and fail, with the right severity and reason, on broken data."""

import subprocess
import sys
from collections.abc import Iterator

import dagster as dg
import duckdb
import pytest

from chess_dagster.definitions import defs
from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.conftest import query
from chess_dagster_tests.loads import Loaded

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN
TWO_MONTHS = {
    "dagster/asset_partition_range_start": "2022-09",
    "dagster/asset_partition_range_end": "2022-10",
}


@pytest.fixture
def loaded(load_templates, duckdb_path, tmp_path) -> Iterator[Loaded]:
    """Players, profiles and two months of games, loaded with their checks in one run (as
    ``chess-load all`` loads them): run once, copied for each test."""
    with load_templates.copy("chess_source_job", TWO_MONTHS, duckdb_path, tmp_path / "instance") as copied:
        yield copied


def run_checks(instance, resources):
    result = defs.resolve_job_def("chess_checks").execute_in_process(
        instance=instance,
        resources=resources,
        raise_on_error=False,  # a failed blocking check fails its step
    )
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def break_data(duckdb_path, sql):
    with duckdb.connect(duckdb_path) as connection:
        connection.execute(sql)


def test_a_clean_load_passes_every_check(loaded, resources):
    evaluations = run_checks(loaded.instance, resources)
    assert len(evaluations) == 11
    assert all(e.passed for e in evaluations.values()), {n: e.description for n, e in evaluations.items()}


def test_the_checks_job_tells_each_check_and_its_result_in_the_runs_log(loaded, resources):
    break_data(loaded.duckdb_path, "delete from chess_data.players")
    result = defs.resolve_job_def("chess_checks").execute_in_process(
        instance=loaded.instance, resources=resources, raise_on_error=False
    )
    told = sorted(
        entry.user_message
        for entry in loaded.instance.all_logs(result.run_id)
        if entry.user_message.startswith("check ")
    )
    assert len(told) == 11
    assert told[0] == "check chess/players:players_row_count FAILED (ERROR): 0 player row(s), 3 asked for"
    assert "check chess/players_games:url_unique passed: duplicate_urls=0" in told


def test_checks_run_with_every_load_and_carry_figures(api_env, resources, instance):
    job = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection={dg.AssetKey(["chess", "players_games"])}
    )
    result = job.execute_in_process(instance=instance, resources=resources, partition_key="2022-10")
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(evaluations) == {
        "games_match_archives",
        "month_not_empty",
        "url_unique",
        "end_time_in_month",
        "key_columns_not_null",
        "freshness_check",
    }
    figures = evaluations["games_match_archives"].metadata
    assert figures["archives_checked"].value == 3  # the 3 players' 2022-10 archives
    assert figures["archives_without_count"].value == 0
    games_listed = figures["games_listed"].value
    assert isinstance(games_listed, dict)  # dg.MetadataValue.json of a dict: month -> games
    assert games_listed["2022-10"] > 0


def test_duplicated_game_fails_url_unique_as_error(loaded, resources):
    break_data(
        loaded.duckdb_path,
        "insert into chess_data.players_games select * from chess_data.players_games limit 1",
    )
    failed = run_checks(loaded.instance, resources)["url_unique"]
    assert not failed.passed and failed.severity == ERROR
    assert failed.description == "1 duplicate url(s)"


def test_game_outside_its_month_fails_end_time_in_month(loaded, resources):
    break_data(
        loaded.duckdb_path,
        "update chess_data.players_games set end_time = '2021-01-15'::timestamptz "
        "where url = (select min(url) from chess_data.players_games where archive_month = '2022-10')",
    )
    failed = run_checks(loaded.instance, resources)["end_time_in_month"]
    assert not failed.passed and failed.severity == ERROR
    assert failed.description == "2022-10: 1 game(s) ended outside the month"


def test_empty_players_table_fails_players_row_count(loaded, resources):
    break_data(loaded.duckdb_path, "delete from chess_data.players")
    failed = run_checks(loaded.instance, resources)["players_row_count"]
    assert not failed.passed and failed.severity == ERROR
    assert failed.description == "0 player row(s), 3 asked for"


def test_games_missing_from_the_warehouse_fail_games_match_archives_naming_the_month(loaded, resources):
    break_data(
        loaded.duckdb_path,
        "delete from chess_data.players_games where url = "
        "(select min(url) from chess_data.players_games where archive_month = '2022-09')",
    )
    failed = run_checks(loaded.instance, resources)["games_match_archives"]
    assert not failed.passed and failed.severity == ERROR
    assert failed.description.startswith("2022-09: the warehouse has ")
    assert "2022-10" not in failed.description


def test_more_games_than_an_archive_listed_are_counted_not_failed(loaded, resources):
    # A game between two loaded players that came through the other's newer archive, say.
    break_data(
        loaded.duckdb_path,
        "insert into chess_data.players_games select * replace (url || '-new' as url) "
        "from chess_data.players_games where archive_month = '2022-10' order by url limit 1",
    )
    check = run_checks(loaded.instance, resources)["games_match_archives"]
    assert check.passed
    assert check.metadata["archives_with_more_games"].value >= 1


def test_after_an_unchanged_reload_deleted_games_fail_games_match_archives(api_env, loaded, resources):
    reload = defs.resolve_job_def("chess_source_job").execute_in_process(
        instance=loaded.instance, resources=resources, tags=TWO_MONTHS
    )
    assert reload.success
    september = "select count(*) from chess_data.players_games where archive_month = '2022-09'"
    assert query(loaded.duckdb_path, september)
    break_data(
        loaded.duckdb_path,
        "delete from chess_data.players_games where url in (select url from chess_data.players_games "
        "where archive_month = '2022-09' order by url limit 20)",
    )
    failed = games_checks_only(loaded.instance, resources, {})["games_match_archives"]
    assert not failed.passed
    assert failed.description.startswith("2022-09: the warehouse has ")
    assert "2022-10" not in failed.description


def test_a_titled_list_shorter_than_max_players_passes_players_row_count(
    api_env, universe, resources, instance, monkeypatch
):
    monkeypatch.setenv("SOURCES__CHESS__MAX_PLAYERS", "2000")
    result = defs.resolve_job_def("chess_roster_job").execute_in_process(
        instance=instance, resources=resources
    )
    row_count = {e.check_name: e for e in result.get_asset_check_evaluations()}["players_row_count"]
    listed = len(universe.titled_usernames("GM"))
    assert row_count.passed, row_count.description
    assert (row_count.metadata["players"].value, row_count.metadata["asked_for"].value) == (listed, listed)


def test_a_game_without_end_time_is_counted_not_failed(loaded, resources):
    break_data(
        loaded.duckdb_path,
        "update chess_data.players_games set end_time = null "
        "where url = (select min(url) from chess_data.players_games where archive_month = '2022-10')",
    )
    evaluations = run_checks(loaded.instance, resources)
    assert evaluations["end_time_in_month"].passed
    assert evaluations["end_time_in_month"].metadata["games_without_end_time"].value == 1
    assert evaluations["key_columns_not_null"].passed


def test_null_key_column_fails_key_columns_not_null(loaded, resources):
    break_data(
        loaded.duckdb_path,
        "update chess_data.players_games set white__username = null "
        "where url = (select min(url) from chess_data.players_games)",
    )
    failed = run_checks(loaded.instance, resources)["key_columns_not_null"]
    assert not failed.passed and failed.description == "1 null white__username"


def test_duplicate_profile_fails_player_id_unique(loaded, resources):
    break_data(
        loaded.duckdb_path,
        "insert into chess_data.players_profiles select * from chess_data.players_profiles limit 1",
    )
    failed = run_checks(loaded.instance, resources)["player_id_unique"]
    assert not failed.passed and failed.severity == ERROR


def test_a_month_empty_at_the_source_only_warns(api_env, universe, resources, instance):
    job = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection={dg.AssetKey(["chess", "players_games"])}
    )
    job.execute_in_process(
        instance=instance, resources=resources, partition_key="2022-10"
    )  # creates the table
    result = job.execute_in_process(instance=instance, resources=resources, partition_key="2022-01")
    api_env.state.configure({"gone_players": universe.titled("GM")})  # nobody left: an empty month
    result = job.execute_in_process(instance=instance, resources=resources, partition_key="2022-02")
    assert result.success  # a WARN does not fail the run
    empty = {e.check_name: e for e in result.get_asset_check_evaluations()}["month_not_empty"]
    assert not empty.passed and empty.severity == WARN
    assert empty.description == "2022-02: 0 games"


def test_check_command_fails_with_one_line_per_failed_check(loaded):
    break_data(loaded.duckdb_path, "delete from chess_data.players")
    break_data(
        loaded.duckdb_path,
        "insert into chess_data.players_games select * from chess_data.players_games "
        "where archive_month = '2022-10' order by url limit 1",
    )
    break_data(
        loaded.duckdb_path,
        "delete from chess_data.players_games where url = "
        "(select max(url) from chess_data.players_games where archive_month = '2022-10')",
    )
    home = loaded.instance.root_directory
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.check_load",
            "--checks-only",
            "--duckdb",
            loaded.duckdb_path,
            "--dagster-home",
            home,
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR ")]
    assert [line.split(": ", 1)[0] for line in errors] == [
        "ERROR chess/players:players_row_count",
        "ERROR chess/players_games:games_match_archives",
        "ERROR chess/players_games:url_unique",
        "ERROR chess/roster_members:players_on_a_list",
    ]
    assert errors[0].endswith(": 0 player row(s), 3 asked for")
    assert "2022-10: the warehouse has " in errors[1]
    assert result.stderr.splitlines() == errors  # the failures and nothing else: no library's log
    table = result.stdout.splitlines()
    assert len(table) == 1 + 11 + 1  # header, one row per check, the summary
    assert table[-1] == "7 of 11 checks passed"


def games_checks_only(instance, resources, tags):
    """A run of the games checks alone (no load), as the UI launches one for a partition."""
    job = dg.define_asset_job(
        "games_checks_only",
        selection=dg.AssetSelection.checks_for_assets(dg.AssetKey(["chess", "players_games"])),
    )
    checks_defs = dg.Definitions.merge(defs, dg.Definitions(jobs=[job]))
    result = checks_defs.resolve_job_def("games_checks_only").execute_in_process(
        instance=instance, resources=resources, tags=tags, raise_on_error=False
    )
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def test_a_checks_only_run_tagged_with_a_month_checks_that_month(loaded, resources):
    evaluations = games_checks_only(loaded.instance, resources, {"dagster/partition": "2022-10"})
    assert evaluations["games_match_archives"].passed
    assert evaluations["month_not_empty"].metadata["months_checked"].value == 1
    assert set(evaluations["games_match_archives"].metadata["games_listed"].value) == {"2022-10"}


def test_a_checks_only_run_tagged_with_a_range_checks_those_months(loaded, resources):
    tags = {"dagster/asset_partition_range_start": "2022-09", "dagster/asset_partition_range_end": "2022-10"}
    evaluations = games_checks_only(loaded.instance, resources, tags)
    assert set(evaluations["games_match_archives"].metadata["games_listed"].value) == {"2022-09", "2022-10"}


def test_an_untagged_checks_only_run_checks_every_month_loaded(loaded, resources):
    evaluations = games_checks_only(loaded.instance, resources, {})
    assert evaluations["month_not_empty"].metadata["months_checked"].value == 2
