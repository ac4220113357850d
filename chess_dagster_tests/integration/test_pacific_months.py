"""Chess.com's months are US Pacific months: loads of them pass the checks, and the daily schedule
finishes every month, its last hours included, against the fixture API's clock and the platform's."""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime

import dagster as dg
import duckdb
import pytest

from chess_dagster.definitions import defs
from chess_dagster.defs.ingest.jobs import current_month_games_schedule
from chess_dagster.sources.chess_com.months import clock_at
from chess_dagster_tests.conftest import fixture_game_urls, loaded_game_urls, query
from chess_dagster_tests.loads import PLAYERS
from fixture import ChessUniverse, FixtureServer


def utc(*when: int) -> float:
    return float(calendar.timegm((*when, *([0] * (6 - len(when))))))


def load(instance, resources, tags: dict[str, str]) -> dg.ExecuteInProcessResult:
    """Players, profiles and the months of ``tags``, with every check, as ``chess-load all`` runs them."""
    return defs.resolve_job_def("chess_source_job").execute_in_process(
        instance=instance, resources=resources, tags=tags, raise_on_error=False
    )


def one_month(month: str) -> dict[str, str]:
    return {"dagster/asset_partition_range_start": month, "dagster/asset_partition_range_end": month}


def late_games(universe: ChessUniverse, month: str) -> set[str]:
    """The urls of the loaded players' games of ``month`` that ended after UTC midnight of the 1st."""
    return {
        game["url"]
        for username in universe.titled_usernames("GM")[:PLAYERS]
        for game in universe.late_games(username, month)
    }


@pytest.mark.parametrize("month", ["2024-11", "2024-07"])  # ends in PST (UTC-8), in PDT (UTC-7)
def test_a_months_games_ending_after_utc_midnight_but_before_pacific_midnight_pass_every_check(
    api_env, universe, resources, instance, duckdb_path, month
):
    late = late_games(universe, month)
    assert late, "the fixture API files games of the month's last Pacific hours in it"
    result = load(instance, resources, one_month(month))
    failed = {e.check_name: e.description for e in result.get_asset_check_evaluations() if not e.passed}
    assert result.success and not failed, failed
    assert late <= loaded_game_urls(duckdb_path)
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, [month])


def test_a_game_planted_after_its_pacific_month_fails_end_time_in_month(
    api_env, resources, instance, duckdb_path
):
    load(instance, resources, one_month("2024-11"))
    with duckdb.connect(duckdb_path) as connection:  # November ends at 08:00 UTC on 1 December (PST)
        connection.execute(
            "update chess_data.players_games set end_time = '2024-12-01 08:00:00+00'::timestamptz "
            "where url = (select min(url) from chess_data.players_games)"
        )
    result = defs.resolve_job_def("chess_checks").execute_in_process(
        instance=instance, resources=resources, raise_on_error=False
    )
    failed = {e.check_name: e for e in result.get_asset_check_evaluations()}["end_time_in_month"]
    assert not failed.passed
    assert failed.description == "2024-11: 1 game(s) ended outside the month"


def scheduled_run(fixture_api: FixtureServer, instance, resources, at: float) -> tuple[str, str]:
    """The schedule's tick at ``at`` and the run it asks for, with the fixture API's clock and the
    platform's at ``at``; the months the run loaded, as (first, last)."""
    fixture_api.state.configure({"now": at})
    with (
        clock_at(at),
        dg.build_schedule_context(  # a context manager: the instance it opens closes with it
            instance=instance,
            scheduled_execution_time=datetime.fromtimestamp(at, UTC),
            resources={"warehouse": resources["warehouse"]},
        ) as context,
    ):
        request = current_month_games_schedule(context)
        assert isinstance(request, dg.RunRequest)
        tags = {"dagster/partition": request.partition_key} if request.partition_key else request.tags
        result = defs.resolve_job_def("chess_games_job").execute_in_process(
            instance=instance, resources=resources, tags=tags, raise_on_error=False
        )
    errors = {
        e.check_name: e.description
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR  # a month just begun may be empty
    }
    assert result.success and not errors, errors
    months = sorted(str(m.partition) for m in result.asset_materializations_for_node("chess_source"))
    return months[0], months[-1]


def test_the_schedule_on_an_empty_warehouse_asks_for_the_month_in_progress(resources):
    with dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 11, 24, 6, tzinfo=UTC),
        resources={"warehouse": resources["warehouse"]},
    ) as context:
        request = current_month_games_schedule(context)
    assert isinstance(request, dg.RunRequest)
    assert request.partition_key == "2026-11"


def test_a_months_last_hours_land_with_the_next_scheduled_runs_until_it_closes(
    api_env, universe, resources, instance, duckdb_path
):
    november = fixture_game_urls(universe, ["2024-11"])
    assert scheduled_run(api_env, instance, resources, utc(2024, 11, 30, 6)) == ("2024-11", "2024-11")
    assert loaded_game_urls(duckdb_path) < november  # a day and its last hours to go
    assert scheduled_run(api_env, instance, resources, utc(2024, 12, 1, 6)) == ("2024-11", "2024-11")
    assert scheduled_run(api_env, instance, resources, utc(2024, 12, 2, 6)) == ("2024-11", "2024-12")
    assert late_games(universe, "2024-11") <= loaded_game_urls(duckdb_path)
    assert scheduled_run(api_env, instance, resources, utc(2024, 12, 3, 6)) == ("2024-11", "2024-12")
    # Fetched on the 3rd, before November settled: asked for again on the 4th, then closed.
    assert scheduled_run(api_env, instance, resources, utc(2024, 12, 4, 6)) == ("2024-11", "2024-12")
    assert scheduled_run(api_env, instance, resources, utc(2024, 12, 5, 6)) == ("2024-12", "2024-12")
    loaded_november = query(
        duckdb_path, "select url from chess_data.players_games where archive_month = '2024-11'"
    )
    assert {url for (url,) in loaded_november} == november


def test_the_open_months_of_players_no_longer_loaded_are_not_asked_for_again(
    api_env, universe, resources, instance, monkeypatch
):
    assert scheduled_run(api_env, instance, resources, utc(2024, 11, 30, 6)) == ("2024-11", "2024-11")
    others = universe.titled_usernames("GM")[PLAYERS : PLAYERS + 2]
    monkeypatch.setenv("SOURCES__CHESS__PLAYERS", json.dumps(others))
    roster = defs.resolve_job_def("chess_roster_job").execute_in_process(
        instance=instance, resources=resources
    )
    assert roster.success
    # November is open in the ledger for the players who left only: nothing keeps it asked for.
    assert scheduled_run(api_env, instance, resources, utc(2024, 12, 5, 6)) == ("2024-12", "2024-12")
