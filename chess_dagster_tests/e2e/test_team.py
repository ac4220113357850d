"""`make team`: the services of a team deployment, used as a team uses them (the UI's GraphQL API),
stopped with Ctrl-C."""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import psycopg2
import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.conftest import SYSTEM_TMP, fixture_game_urls
from fixture.wait import free_port

pytestmark = pytest.mark.e2e

MONTHS = ["2022-01", "2022-02", "2022-03"]
SERVICES = ["code-server", "daemon", "dashboard", "webserver"]  # the API is the test's
DAEMONS = {"SCHEDULER", "SENSOR", "BACKFILL", "QUEUED_RUN_COORDINATOR", "MONITORING"}


@pytest.fixture
def team_dir() -> Iterator[Path]:
    """The team's data folder; under the system temp folder, which the ``postgres`` user can reach."""
    path = Path(tempfile.mkdtemp(prefix="chess-team-", dir=SYSTEM_TMP))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def graphql(ui: str, query: str, **variables: object) -> dict:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(f"{ui}/graphql", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    assert "errors" not in answer, answer
    return answer["data"]


def eventually(probe, timeout_s: float, what: str):
    """``probe()``'s first truthy answer within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not (answer := probe()):
        assert time.monotonic() < deadline, f"{what} within {timeout_s:.0f}s"
        time.sleep(1)
    return answer


def processes_of(team_dir: Path) -> list[int]:
    """Processes started for ``team_dir``: those holding it in their environment or command line."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            seen = (entry / "environ").read_bytes() + (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if str(team_dir).encode() in seen:
            found.append(int(entry.name))
    return found


def healthy_daemons(ui: str) -> set[str]:
    statuses = graphql(ui, "{ instance { daemonHealth { allDaemonStatuses { daemonType healthy } } } }")
    return {
        s["daemonType"] for s in statuses["instance"]["daemonHealth"]["allDaemonStatuses"] if s["healthy"]
    }


# What the UI launches for "Materialize" on players, profiles and games with a range of months.
# Dagster's asset backfill makes it two runs (the unpartitioned roster, then the range).
LAUNCH_BACKFILL = """
mutation($months: [String!]) {
  launchPartitionBackfill(backfillParams: {
    partitionNames: $months,
    assetSelection: [
      {path: ["chess", "players"]}, {path: ["chess", "players_profiles"]}, {path: ["chess", "players_games"]}
    ]
  }) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}"""
BACKFILL_STATUS = """
query($id: String!) { partitionBackfillOrError(backfillId: $id) { ... on PartitionBackfill { status } } }"""


def test_make_team_serves_a_backfill_through_daemon_and_code_server_into_postgres_and_stops_on_sigint(
    team_dir, api_env, dagster_env, universe, monkeypatch
):
    port, dashboard_port = free_port(), free_port()
    env = {
        **dagster_env,
        "CHESS_TEAM_DIR": str(team_dir),
        "DAGSTER_PORT": str(port),
        "DASHBOARD_PORT": str(dashboard_port),
    }
    output = team_dir / "make-team.out"
    with output.open("w") as out:
        team = subprocess.Popen(
            ["make", "team"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    ui = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: "UI: " in output.read_text(), 180, "make team serves the UI")
        assert (
            eventually(lambda: DAEMONS & healthy_daemons(ui) == DAEMONS and DAEMONS, 90, "daemons healthy")
            >= DAEMONS
        )
        with urllib.request.urlopen(
            f"http://127.0.0.1:{dashboard_port}/_stcore/health", timeout=10
        ) as health:
            assert health.read() == b"ok"  # the dashboard is one more service
        info = graphql(ui, "{ instance { info } }")["instance"]["info"]  # the Deployment page's
        assert (
            "run_storage: PostgresRunStorage" in info and "event_log_storage: PostgresEventLogStorage" in info
        )

        launched = graphql(ui, LAUNCH_BACKFILL, months=MONTHS)["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        backfill = launched["backfillId"]
        status = eventually(
            lambda: (
                (s := graphql(ui, BACKFILL_STATUS, id=backfill)["partitionBackfillOrError"]["status"])
                not in ("REQUESTED", "CANCELING", "FAILING")
                and s
            ),
            240,
            "the backfill ends",
        )
        assert status in ("COMPLETED", "COMPLETED_SUCCESS"), status

        (postgres_port,) = re.findall(r"PostgreSQL: 127\.0\.0\.1:(\d+)", output.read_text())
        base = f"postgresql://postgres:chess@127.0.0.1:{postgres_port}"
        with psycopg2.connect(f"{base}/chess") as connection, connection.cursor() as cursor:
            cursor.execute("select url from chess_data.players_games")
            assert {url for (url,) in cursor.fetchall()} == fixture_game_urls(universe, MONTHS)
            cursor.execute("select count(distinct _dlt_load_id) from chess_data.players_profiles")
            assert cursor.fetchone() == (1,)
        monkeypatch.setenv("DAGSTER_PG_URL", f"{base}/dagster")
        with dg.DagsterInstance.from_config(str(team_dir / "dagster_home")) as instance:
            # Dagster's asset backfill plans one run per partitioning: the roster, then the range
            runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill}))
            selections = sorted(
                sorted(key.to_user_string() for key in run.asset_selection or ()) for run in runs
            )
            checks = [
                event
                for run in runs
                for event in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
            ]
        assert selections == [["chess/players", "chess/players_profiles"], ["chess/players_games"]]
        assert checks and all(e.dagster_event.asset_check_evaluation_data.passed for e in checks)  # type: ignore[union-attr]
    finally:
        os.killpg(team.pid, signal.SIGINT)  # Ctrl-C in make's terminal
        team.wait(60)
    stops = re.findall(r"make team: ([\w-]+) (stopped|killed)", output.read_text())
    assert sorted(stops) == [(name, "stopped") for name in SERVICES], stops  # on SIGTERM, none killed
    assert processes_of(team_dir) == []
