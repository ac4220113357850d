"""Faults from the API, a DuckDB file that cannot be used, and concurrent runs: no data lost."""

import os
import socket
import subprocess
import sys
import time

import dagster as dg
import pytest
from dagster_dlt import DagsterDltResource

from chess_dagster.definitions import defs
from chess_dagster.defs.ingest.assets import chess_source
from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster.runs.executor import HOST_TAG, free_slots_of_dead_runs
from chess_dagster.runs.failures import first_failure_reason
from chess_dagster_tests.conftest import fixture_game_urls, loaded_game_urls
from chess_dagster_tests.e2e.commands import CHESS_LOAD
from chess_dagster_tests.loads import retried_steps
from fixture import FixtureServer
from fixture.crash import PHASES, kill_in, waiting_packages


def materialize_month(resources, instance, month="2022-10"):
    return dg.materialize(
        [chess_source],
        selection="chess/players_games",
        partition_key=month,
        resources=resources,
        instance=instance,
        raise_on_error=False,
    )


def failure_of(result):
    """The one-line reason the run failed, as the CLI, Slack and the reliability table show it."""
    return first_failure_reason(result.all_events)


def test_malformed_and_truncated_bodies_are_retried_and_lose_nothing(
    api_env, universe, resources, instance, duckdb_path
):
    api_env.state.configure({"malformed_rate": 0.15, "truncate_rate": 0.15})
    result = materialize_month(resources, instance)
    assert result.success, failure_of(result)
    broken = {
        k: v
        for k, v in api_env.state.stats()["by_route_status"].items()
        if k.endswith(("malformed", "truncated"))
    }
    assert broken  # the faults really happened
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, ["2022-10"])


def test_responses_slower_than_the_timeout_are_retried_and_lose_nothing(
    api_env, monkeypatch, universe, resources, instance, duckdb_path
):
    monkeypatch.setenv("RUNTIME__REQUEST_TIMEOUT", "0.5")
    api_env.state.configure({"stall_rate": 0.2, "stall_s": 1.5})
    result = materialize_month(resources, instance)
    assert result.success, failure_of(result)
    assert api_env.state.stats()["by_route_status"]["stalled"] > 0  # the timeouts really happened
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, ["2022-10"])


def test_an_api_that_refuses_connections_fails_clearly_after_retries(
    monkeypatch, resources, instance, duckdb_path
):
    monkeypatch.setenv("SOURCES__CHESS__CHESS_URL", "http://127.0.0.1:9/pub/")
    monkeypatch.setenv("RUNTIME__REQUEST_MAX_ATTEMPTS", "2")
    result = materialize_month(resources, instance)
    assert not result.success
    assert "cannot reach the Chess.com API at http://127.0.0.1:9/pub/titled/GM" in failure_of(result)
    assert len(retried_steps(result.all_events)) == 3  # the asset's retry policy, then a clear failure
    assert loaded_game_urls(duckdb_path) == set()


def test_a_duckdb_file_locked_by_another_process_fails_naming_the_file_and_the_fix(
    api_env, monkeypatch, resources, instance, duckdb_path
):
    os.makedirs(os.path.dirname(duckdb_path), exist_ok=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({duckdb_path!r}); "
            "print('ok', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None  # stdout=subprocess.PIPE
    try:
        assert holder.stdout.readline().strip() == "ok"
        resources["warehouse"] = ChessWarehouse(database=duckdb_path, lock_timeout_s=1)
        result = materialize_month(resources, instance)
    finally:
        holder.kill()
        holder.wait()
    message = failure_of(result)
    assert f"DuckDB file {duckdb_path} is locked by another process" in message
    assert "close that process" in message
    assert len(retried_steps(result.all_events)) == 0


def test_a_corrupted_duckdb_file_fails_with_the_fix(api_env, resources, instance, duckdb_path):
    os.makedirs(os.path.dirname(duckdb_path), exist_ok=True)
    with open(duckdb_path, "wb") as file:
        file.write(b"this is not a duckdb database" * 1000)
    message = failure_of(materialize_month(resources, instance))
    assert f"DuckDB file {duckdb_path} cannot be opened" in message and "move it away" in message


def test_an_unwritable_duckdb_path_fails_naming_the_setting(api_env, tmp_path, instance):
    a_file = tmp_path / "a_file"
    a_file.write_text("")
    resources = {
        "dlt": DagsterDltResource(),
        "warehouse": ChessWarehouse(database=str(a_file / "chess.duckdb")),
    }
    message = failure_of(materialize_month(resources, instance))
    assert "cannot create the folder of DuckDB file" in message and "CHESS_DUCKDB_PATH" in message


@pytest.mark.e2e
def test_two_cli_runs_at_once_take_turns_on_duckdb_and_both_land(dagster_env, universe, duckdb_path):
    runs = [
        subprocess.Popen(
            [CHESS_LOAD, "games", month],
            cwd=PROJECT_ROOT,
            env=dagster_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for month in ("2022-09", "2022-10")
    ]
    errors = [run.communicate(timeout=240)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [
        line for e in errors for line in e.splitlines() if "Error" in line
    ]
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, ["2022-09", "2022-10"])


LOAD_2022_10 = [CHESS_LOAD, "games", "2022-10"]


def launch_and_kill(phase: str, env: dict[str, str], api: FixtureServer) -> None:
    """`chess-load` a month and SIGKILL it in ``phase``: a dead run holding its pool slot."""
    if phase == "extract":
        api.state.configure({"latency_ms": 300})
    run = subprocess.Popen(
        LOAD_2022_10,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert kill_in(phase, run, api, env["TMPDIR"]), "the run finished before it could be killed"


@pytest.mark.e2e
@pytest.mark.parametrize("phase", PHASES)
def test_a_run_killed_mid_load_leaves_no_half_month_and_the_rerun_is_not_blocked(
    phase, api_env, dagster_env, universe, duckdb_path
):
    env = {**dagster_env, "SOURCES__CHESS__MAX_PLAYERS": "12"}
    launch_and_kill(phase, env, api_env)
    if phase == "normalize":  # normalize commits its package, then deletes the extracted one
        tmpdir = env["TMPDIR"]
        assert waiting_packages(tmpdir, "extracted") and not waiting_packages(tmpdir, "normalized")
    api_env.state.configure({"latency_ms": 0})

    started = time.monotonic()
    rerun = subprocess.run(
        LOAD_2022_10, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert time.monotonic() - started < 120  # not blocked on the dead run's pool slot
    universe_players = universe.titled("GM")[:12]
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, ["2022-10"], universe_players)


@pytest.mark.e2e
def test_a_dead_looking_run_of_another_host_keeps_its_slot(api_env, dagster_env, dagster_home, duckdb_path):
    launch_and_kill("extract", dagster_env, api_env)
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        (run,) = instance.get_runs()
        assert run.tags[HOST_TAG] == socket.gethostname()
        instance.add_run_tags(run.run_id, {HOST_TAG: "a-worker-elsewhere"})
        assert free_slots_of_dead_runs(instance, current_run_id="none") == []
        assert [r.status for r in instance.get_runs()] == [dg.DagsterRunStatus.STARTED]
        instance.add_run_tags(run.run_id, {HOST_TAG: socket.gethostname()})
        assert free_slots_of_dead_runs(instance, current_run_id="none") == [run.run_id]


def test_bad_settings_fail_runs_not_the_loading_of_the_code_location(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("")
    env = {
        **os.environ,
        "SOURCES__CHESS__TITLE": "XX",
        "SOURCES__CHESS__MAX_PLAYERS": "0",
        "CHESS_DUCKDB_PATH": str(a_file / "chess.duckdb"),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from chess_dagster.definitions import defs; "
            "print(len(defs.resolve_asset_graph().get_all_asset_keys()))",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-1500:]
    # every asset the code location has with good settings: raw tables, moves, models, dlt's tables
    assert result.stdout.strip() == str(len(defs.resolve_asset_graph().get_all_asset_keys()))
