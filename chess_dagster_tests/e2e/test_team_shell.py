"""A team's shell session, as docs/postgres.md types it: only the warehouse's two dlt variables,
DAGSTER_PG_URL and a DAGSTER_HOME holding deploy/dagster.yaml, and the commands load, check and
analyse into PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.conftest import fixture_game_urls
from chess_dagster_tests.e2e.commands import DG
from chess_dagster_tests.e2e.walkthrough import blocks_of

pytestmark = pytest.mark.e2e


def fetch(url: str, sql: str) -> list[tuple]:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


RUNNER = "chess_dagster_tests/e2e/test_team_shell.py"
# The page's example URLs, for the test's own databases.
SHOWN_WAREHOUSE = "postgresql://chess:secret@db.internal:5432/chess"
SHOWN_INSTANCE = "postgresql://dagster:secret@db.internal:5432/dagster"


def team_page_session(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """The PostgreSQL page's block, typed into a shell in a folder of its own (the project's
    `deploy/` and `.dlt/` beside it), with the page's URLs swapped for this test's databases."""
    (block,) = blocks_of("docs/postgres.md", RUNNER)
    block = block.replace(SHOWN_WAREHOUSE, env["DESTINATION__WAREHOUSE__CREDENTIALS"])
    block = block.replace(SHOWN_INSTANCE, env["DAGSTER_PG_URL"])
    for shared in ("deploy", ".dlt"):
        (tmp_path / shared).symlink_to(PROJECT_ROOT / shared)
    path = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return subprocess.run(
        ["bash", "-e", "-c", block],
        cwd=tmp_path,
        env={**env, "PATH": path},
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_the_team_pages_shell_session_loads_checks_and_analyses_into_postgres(
    team_env, api_env, universe, duckdb_path, tmp_path
):
    env = team_env
    warehouse = env["DESTINATION__WAREHOUSE__CREDENTIALS"]
    instance_db = env["DAGSTER_PG_URL"]
    session = team_page_session(env, tmp_path)
    assert session.returncode == 0, session.stderr[-2000:]
    mart = subprocess.run(
        [DG, "launch", "--job", "chess_mart_job", "--partition", "2022-03"],
        cwd=PROJECT_ROOT,
        env={**env, "DAGSTER_HOME": str(tmp_path / "team_home")},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert mart.returncode == 0, mart.stderr[-2000:]

    urls = {url for (url,) in fetch(warehouse, "select url from chess_data.players_games")}
    assert urls == fixture_game_urls(universe, ["2022-01", "2022-02", "2022-03"])
    assert fetch(
        warehouse, "select count(*) from chess_analytics.player_month_stats where month = '2022-03'"
    )[0][0]
    assert fetch(instance_db, "select count(*) from runs where status = 'SUCCESS'") == [(2,)]
    checks = "select count(*) from event_logs where dagster_event_type = 'ASSET_CHECK_EVALUATION'"
    assert fetch(instance_db, checks)[0][0] >= 8
    assert not Path(duckdb_path).exists()
