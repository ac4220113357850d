"""A clean run retries nothing: a cold `chess-load` whose extract runs in parallel runs each step once.

The retry policy is for the API's faults; a step that fails on the platform's own bug and passes on
its retry ends green and hides the bug. The load runs in a fresh Python, as a user's first
`chess-load` does, against a fixture API with no faults, with enough players and months that dlt's
extract threads work side by side.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.loads import retried_steps, run_events
from fixture import ChessUniverse, FixtureKnobs, Month, running_fixture_api
from fixture.dagster_home import new_dagster_home

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("cold_load")]  # one load for the module

PLAYERS = 12
MONTHS = "2022-01...2022-03"
# `chess-load` as its console script runs it, with an audit hook that records which thread first
# imports pandas (pyarrow imports it lazily; dlt's extract threads must not be the ones to).
CHESS_LOAD_WATCHING_IMPORTS = """
import sys, threading
from chess_dagster.cli import main
first_import = {}
def watch(event, args):
    if event == "import" and args[0] == "pandas":
        first_import.setdefault("pandas", threading.current_thread().name)
sys.addaudithook(watch)
status = main(sys.argv[1:])
print(f"pandas first imported in: {first_import.get('pandas')}")
sys.exit(status)
"""


@dataclass(frozen=True)
class ColdLoad:
    events: list[dg.DagsterEvent]
    pandas_imported_in: str


@pytest.fixture(scope="module")
def cold_load(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ColdLoad]:
    """One cold `chess-load all` of 12 players over 3 months, 8 requests in flight."""
    folder = tmp_path_factory.mktemp("cold_load")
    universe = ChessUniverse(players_per_title=PLAYERS, games_per_month=12, first_month=Month(2021, 6))
    with running_fixture_api(universe, FixtureKnobs(latency_ms=20)) as api:
        env = {
            **os.environ,
            "DAGSTER_HOME": str(new_dagster_home(folder / "dagster_home")),
            "CHESS_DUCKDB_PATH": str(folder / "chess.duckdb"),
            "SOURCES__CHESS__CHESS_URL": api.base_url,
            "SOURCES__CHESS__MAX_PLAYERS": str(PLAYERS),
            "SOURCES__CHESS__MAX_CONCURRENCY": "8",
        }
        result = subprocess.run(
            [sys.executable, "-c", CHESS_LOAD_WATCHING_IMPORTS, "all", MONTHS],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    events = run_events(Path(env["DAGSTER_HOME"]))
    imported_in = result.stdout.rsplit("pandas first imported in: ", 1)[1].strip()
    yield ColdLoad(events, imported_in)


def test_a_cold_parallel_load_runs_every_step_exactly_once(cold_load: ColdLoad) -> None:
    starts = Counter(event.step_key for event in cold_load.events if event.is_step_start)
    assert retried_steps(cold_load.events) == []
    assert starts and set(starts.values()) == {1}, starts


def test_pandas_is_imported_before_the_extract_threads_start(cold_load: ColdLoad) -> None:
    assert cold_load.pandas_imported_in == "MainThread"
