"""The real CLI and `dagster dev`, as a user runs them, against the fixture API."""

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

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


@pytest.mark.parametrize("month", ["2031-01", "2019-12", "2022-13"])
def test_a_month_outside_the_partitions_is_refused_and_nothing_is_loaded(dagster_env, duckdb_path, month):
    result = run_cli(["asset", "materialize", "-m", "chess_dagster.definitions", "--select", "chess/players_games",
                      "--partition", month], dagster_env)
    assert result.returncode != 0
    assert f"containing the passed partition key `{month}`" in result.stderr
    assert loaded_game_urls(duckdb_path) == set()
