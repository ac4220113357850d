"""`make demo` as the README shows it: the fixture API and the Slack receiver, the roster and last
month loaded, its moves read and the mart built, then the Dagster UI and the dashboard serving;
Ctrl-C stops it all.
The Slack page's commands run against the demo's servers."""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.e2e.walkthrough import blocks_of, new_user_environment
from fixture.dagster_home import new_dagster_home
from fixture.wait import free_port, wait_for

pytestmark = pytest.mark.e2e
RUNNER = "chess_dagster_tests/e2e/test_demo.py"
# The demo's default ports, as the Slack page's commands name them.
SHOWN_PORTS = {"8765": "FIXTURE_PORT", "8766": "SLACK_PORT"}


def demo_command() -> list[str]:
    (block,) = blocks_of("README.md", RUNNER)
    line = next(line for line in block.splitlines() if line.startswith("make demo"))
    return shlex.split(line.split("#")[0])


def last_month() -> str:
    return (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


@contextmanager
def demo(tmp_path: Path, ports: dict[str, int]) -> Iterator[Path]:
    """`make demo` with its ports, Dagster home and DuckDB file moved (make's variables and the
    script's, as a user moves them); stopped with Ctrl-C (SIGINT to its process group)."""
    home = new_dagster_home(tmp_path / "dagster_home")
    env = new_user_environment(tmp_path) | {
        "SLACK_PORT": str(ports["SLACK_PORT"]),
        "CHESS_DUCKDB_PATH": str(tmp_path / "chess.duckdb"),
    }
    variables = [
        f"DAGSTER_HOME={home}",
        *(f"{name}={port}" for name, port in ports.items() if name != "SLACK_PORT"),
    ]
    with (tmp_path / "demo.log").open("w") as log:
        process = subprocess.Popen(
            [*demo_command(), *variables],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(f"http://127.0.0.1:{ports['DAGSTER_PORT']}/server_info", timeout_s=300)
            wait_for(f"http://127.0.0.1:{ports['DASHBOARD_PORT']}/_stcore/health", timeout_s=60)
            yield home
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def run_slack_page(ports: dict[str, int]) -> list[str]:
    """The Slack page's commands against the demo's servers: what each printed."""
    (block,) = blocks_of("docs/slack.md", RUNNER)
    for shown, name in SHOWN_PORTS.items():
        block = block.replace(f"127.0.0.1:{shown}", f"127.0.0.1:{ports[name]}")
    printed = []
    for command in filter(None, (line.split("#")[0].strip() for line in block.splitlines())):
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, (command, result.stderr)
        printed.append(result.stdout)
    return printed


def test_make_demo_loads_a_month_reads_its_moves_builds_the_mart_and_serves_the_ui_and_dashboard(tmp_path):
    ports = {name: free_port() for name in ("FIXTURE_PORT", "SLACK_PORT", "DAGSTER_PORT", "DASHBOARD_PORT")}
    with demo(tmp_path, ports) as home:
        posts = run_slack_page(ports)[-1]
        with dg.DagsterInstance.from_config(str(home)) as instance:
            runs = instance.get_runs()
            games = instance.get_materialized_partitions(dg.AssetKey(["chess", "players_games"]))
    assert json.loads(posts) == []  # nothing drifted yet: the switch is for the next load
    assert [run.status for run in runs] == [dg.DagsterRunStatus.SUCCESS] * 3, (
        tmp_path / "demo.log"
    ).read_text()
    assert games == {last_month()}
    with duckdb.connect(str(tmp_path / "chess.duckdb"), read_only=True) as warehouse:
        months = warehouse.sql("select distinct month from chess_analytics.player_month_stats").fetchall()
        moves = warehouse.sql("select distinct month from chess_moves.game_moves").fetchall()
    assert months == moves == [(last_month(),)]
    assert not [port for port in ports.values() if listening(port)], "Ctrl-C left a server running"
