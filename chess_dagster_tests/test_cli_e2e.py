"""The real CLI and `dagster dev`, as a user runs them, against the fixture API."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import dagster as dg
import pytest

from chess_dagster.fixture_api.wait import wait_for
from chess_dagster.settings import PROJECT_ROOT
from chess_dagster_tests.conftest import fixture_game_urls, loaded_game_urls

pytestmark = pytest.mark.e2e
DAGSTER = str(Path(sys.executable).parent / "dagster")


def run_cli(args, env, timeout=240):
    return subprocess.run([DAGSTER, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_definitions_validate(dagster_env):
    result = run_cli(["definitions", "validate", "-w", "workspace.yaml"], dagster_env)
    assert result.returncode == 0, result.stderr[-2000:]


def test_cli_partition_range_loads_every_month(dagster_env, universe, duckdb_path):
    args = ["asset", "materialize", "-m", "chess_dagster.definitions", "--select", "chess/players_games",
            "--partition-range", "2022-01...2022-03"]
    result = run_cli(args, dagster_env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert loaded_game_urls(duckdb_path) == fixture_game_urls(universe, ["2022-01", "2022-02", "2022-03"])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_dagster_dev_serves_the_ui_and_stops_cleanly(dagster_env):
    port = free_port()
    process = subprocess.Popen(
        [DAGSTER, "dev", "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT, env=dagster_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/server_info", timeout_s=120)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=10) as response:
            info = json.load(response)
        assert "dagster_webserver_version" in info
    finally:
        os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output[-2000:]


def test_dagster_cli_refuses_a_month_outside_the_partitions_and_loads_nothing(dagster_env, duckdb_path):
    month = "2031-01"
    result = run_cli(["asset", "materialize", "-m", "chess_dagster.definitions", "--select", "chess/players_games",
                      "--partition", month], dagster_env)
    assert result.returncode != 0
    assert f"containing the passed partition key `{month}`" in result.stderr
    assert loaded_game_urls(duckdb_path) == set()


CHESS_LOAD = str(Path(sys.executable).parent / "chess-load")


def chess_load(args, env):
    return subprocess.run([CHESS_LOAD, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=240)


@pytest.mark.parametrize(("months", "fix"), [
    ("2031-01", "has not started yet: the last games partition is"),
    ("2019-12", "set CHESS_START_MONTH=2019-12 to load it"),
    ("2022-13", "is not a month: write YYYY-MM"),
    ("2022-03...2022-01", "ends before it starts: write 2022-01...2022-03"),
])
def test_chess_load_refuses_a_month_outside_the_partitions_in_one_line(dagster_env, duckdb_path, months, fix):
    result = chess_load(["games", months], dagster_env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]  # one line, no warnings, no trace
    assert fix in result.stderr
    assert loaded_game_urls(duckdb_path) == set()


def test_chess_load_tells_a_bad_setting_in_one_line_without_a_stack_trace(dagster_env, duckdb_path):
    result = chess_load(["games", "2022-10"], {**dagster_env, "SOURCES__CHESS__CHESS_URL": "ftp://nope"})
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "Stack Trace" not in output
    assert re.search(r"chess-load: run [0-9a-f-]+ failed: sources\.chess\.chess_url='ftp://nope' is not an http\(s\) "
                     r"URL; set it to https://api\.chess\.com/pub/", result.stderr.splitlines()[-1])
    assert loaded_game_urls(duckdb_path) == set()


def test_chess_load_loads_a_month_range_in_one_run_of_the_instance(dagster_env, dagster_home, universe, duckdb_path):
    result = chess_load(["games", "2022-01...2022-03"], dagster_env)
    assert result.returncode == 0, result.stderr[-3000:]
    months = ["2022-01", "2022-02", "2022-03"]
    truth = fixture_game_urls(universe, months)
    assert result.stdout.strip().endswith(f"loaded 2022-01...2022-03: {len(truth)} new or changed games")
    assert loaded_game_urls(duckdb_path) == truth
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        assert [run.status for run in instance.get_runs()] == [dg.DagsterRunStatus.SUCCESS]
