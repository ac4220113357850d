"""A team's shell session: only the warehouse's two dlt variables, DAGSTER_PG_URL and a DAGSTER_HOME
holding deploy/dagster.yaml, and the commands load, check and analyse into PostgreSQL."""

import subprocess
from pathlib import Path

import psycopg2
import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.conftest import fixture_game_urls
from chess_dagster_tests.e2e.commands import CHESS_LOAD, DG

pytestmark = pytest.mark.e2e


def fetch(url: str, sql: str) -> list[tuple]:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_chess_load_and_dg_launch_work_against_postgres_with_their_history_there(
    team_env, api_env, universe, duckdb_path
):
    env = team_env
    warehouse = env["DESTINATION__WAREHOUSE__CREDENTIALS"]
    instance_db = env["DAGSTER_PG_URL"]
    for command in (
        [CHESS_LOAD, "roster"],
        [CHESS_LOAD, "games", "2022-01...2022-03"],
        [DG, "launch", "--job", "chess_mart_job", "--partition", "2022-03"],
    ):
        result = subprocess.run(
            command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=240
        )
        assert result.returncode == 0, (command, result.stderr[-2000:])

    urls = {url for (url,) in fetch(warehouse, "select url from chess_data.players_games")}
    assert urls == fixture_game_urls(universe, ["2022-01", "2022-02", "2022-03"])
    assert fetch(
        warehouse, "select count(*) from chess_analytics.player_month_stats where month = '2022-03'"
    )[0][0]
    assert fetch(instance_db, "select count(*) from runs where status = 'SUCCESS'") == [(3,)]
    checks = "select count(*) from event_logs where dagster_event_type = 'ASSET_CHECK_EVALUATION'"
    assert fetch(instance_db, checks)[0][0] >= 8
    assert not Path(duckdb_path).exists()
