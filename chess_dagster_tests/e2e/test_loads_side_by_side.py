"""On PostgreSQL, loads run side by side: runs started together overlap in time and each lands exactly,
and what the source remembers (players_archives) survives them."""

import subprocess
from collections.abc import Sequence

import dagster as dg
import psycopg2
import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.conftest import fixture_game_urls
from chess_dagster_tests.e2e.commands import CHESS_LOAD

pytestmark = pytest.mark.e2e

# Slow enough that each run's extract takes seconds, so runs started together overlap if allowed to.
LATENCY_MS = 600


def chess_load_together(months: Sequence[str], env: dict[str, str]) -> list[subprocess.CompletedProcess]:
    """``chess-load games <month>`` for each of ``months``, all started at once; their outcomes."""
    runs = [
        subprocess.Popen(
            [CHESS_LOAD, "games", month],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for month in months
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    return [
        subprocess.CompletedProcess(run.args, run.returncode, out, err)
        for run, (out, err) in zip(runs, outputs, strict=True)
    ]


def rows(url: str, sql: str) -> list[tuple]:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def game_urls(env: dict[str, str]) -> list[str]:
    return [
        url
        for (url,) in rows(
            env["DESTINATION__WAREHOUSE__CREDENTIALS"], "select url from chess_data.players_games"
        )
    ]


def schemas(env: dict[str, str]) -> list[str]:
    """The warehouse's chess schemas: the data's, and any staging dataset a merge left."""
    sql = "select schema_name from information_schema.schemata where schema_name like 'chess%'"
    return sorted(name for (name,) in rows(env["DESTINATION__WAREHOUSE__CREDENTIALS"], sql))


def load_step_windows(env: dict[str, str]) -> list[tuple[float, float]]:
    """(start, end) of each run's load step, from the run history in PostgreSQL."""
    windows = []
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        for run in instance.get_runs():
            events = instance.all_logs(
                run.run_id, of_type={dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS}
            )
            times = {e.dagster_event_type: e.timestamp for e in events if e.step_key == "chess_source"}
            windows.append((times[dg.DagsterEventType.STEP_START], times[dg.DagsterEventType.STEP_SUCCESS]))
    return windows


def assert_all_succeeded(results: Sequence[subprocess.CompletedProcess]) -> None:
    assert [r.returncode for r in results] == [0] * len(results), [r.stderr[-1500:] for r in results]


def test_two_runs_of_different_months_overlap_in_time_and_land_exactly_leaving_no_staging_dataset(
    team_env, api_env, universe
):
    api_env.state.configure({"latency_ms": LATENCY_MS})
    assert_all_succeeded(chess_load_together(["2022-01", "2022-02"], team_env))
    (first_start, first_end), (second_start, second_end) = load_step_windows(team_env)
    assert max(first_start, second_start) < min(first_end, second_end), "the loads took turns"
    urls = game_urls(team_env)
    assert len(urls) == len(set(urls))
    assert set(urls) == fixture_game_urls(universe, ["2022-01", "2022-02"])
    assert schemas(team_env) == ["chess_data"], "a staging dataset was left behind"


def test_two_runs_of_the_same_month_at_once_leave_no_duplicate(team_env, api_env, universe):
    api_env.state.configure({"latency_ms": LATENCY_MS})
    assert_all_succeeded(chess_load_together(["2022-03", "2022-03"], team_env))
    urls = game_urls(team_env)
    assert len(urls) == len(set(urls))
    assert set(urls) == fixture_game_urls(universe, ["2022-03"])
    archives = rows(
        team_env["DESTINATION__WAREHOUSE__CREDENTIALS"], "select archive from chess_data.players_archives"
    )
    assert len(archives) == len(set(archives))


def test_a_warm_rerun_after_concurrent_runs_downloads_no_closed_month(team_env, api_env):
    assert_all_succeeded(chess_load_together(["2022-01", "2022-02"], team_env))
    api_env.state.reset_stats()
    assert_all_succeeded(chess_load_together(["2022-01...2022-02"], team_env))
    assert api_env.state.stats()["by_route"] == {"titled": 1}
