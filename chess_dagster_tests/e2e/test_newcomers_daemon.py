"""A newcomer's history under the daemon, as `dg dev` runs it: a player who joins the club is loaded
with every month from CHESS_START_MONTH by the newcomers sensor's run, and no one else's archive is
asked for meanwhile."""

import json
import subprocess
import time

import dagster as dg
import pytest

from chess_dagster.defs.rosters.sensors import NEWCOMERS_TAG
from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.conftest import loaded_game_urls
from chess_dagster_tests.e2e.commands import CHESS_LOAD
from fixture import Month
from fixture.dagster_home import dg_dev

pytestmark = pytest.mark.e2e
CLUB = "fixture-titled-club"
MONTHS = 3  # CHESS_START_MONTH this many months back, the month in progress included
SENSOR_WAIT_S = 180  # a sensor tick every 30 s, then the run


def recent_months(count: int) -> list[str]:
    now = Month.of(time.time())
    first = now.year * 12 + now.month - count
    months = [Month(first // 12, first % 12 + 1)]
    while len(months) < count:
        months.append(months[-1].next())
    return [month.key for month in months]


def load_roster(env: dict[str, str]) -> None:
    result = subprocess.run(
        [CHESS_LOAD, "roster"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stderr[-2000:]


def newcomer_runs(home: str, newcomer: str) -> list[dg.DagsterRun]:
    with dg.DagsterInstance.from_config(home) as instance:
        return list(instance.get_runs(filters=dg.RunsFilter(tags={NEWCOMERS_TAG: newcomer})))


def finished(home: str, newcomer: str) -> list[dg.DagsterRun]:
    deadline = time.monotonic() + SENSOR_WAIT_S
    while time.monotonic() < deadline:
        runs = newcomer_runs(home, newcomer)
        if runs and all(run.is_finished for run in runs):
            return runs
        time.sleep(2)
    raise AssertionError(f"no finished run of the newcomer {newcomer} after {SENSOR_WAIT_S} s")


def test_a_player_who_joins_the_club_is_loaded_with_their_history_by_the_daemon(
    dagster_env, api_env, universe, duckdb_path, tmp_path
):
    months = recent_months(MONTHS)
    env = {
        **dagster_env,
        "SOURCES__CHESS__CLUBS": json.dumps([CLUB]),
        "SOURCES__CHESS__MAX_PLAYERS": "1000",
        "CHESS_START_MONTH": months[0],
    }
    load_roster(env)
    members = universe.lists.club_members(CLUB) or {}
    in_club = {member["username"] for listed in members.values() for member in listed}
    newcomer = next(name for name in sorted(universe.players) if name not in in_club)
    universe.lists.join(f"club/{CLUB}", newcomer)
    load_roster(env)
    api_env.state.reset_stats()
    # The daemon's first tick of the sensor reads every roster load before it: no interval waited.
    with dg_dev(env, tmp_path / "dg_dev.log"):
        (run,) = finished(env["DAGSTER_HOME"], newcomer)
        asked = api_env.state.stats()["by_route"]
    assert run.status == dg.DagsterRunStatus.SUCCESS
    assert asked.get("archives") == 1
    assert loaded_game_urls(duckdb_path) == universe.game_urls([newcomer], months)
