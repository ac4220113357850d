"""The team deployment's Dagster instance (deploy/dagster.yaml) keeps its history in PostgreSQL."""

import os
import uuid
from pathlib import Path

import dagster as dg
import psycopg2
import pytest

from chess_dagster.definitions import defs
from fixture.dagster_home import TEAM_INSTANCE, new_dagster_home
from fixture.postgres import PostgresServer


@pytest.fixture
def team_home(tmp_path: Path, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Dagster home holding deploy/dagster.yaml, DAGSTER_PG_URL a plain postgresql:// URL."""
    url = postgres_server.create_database(f"dagster_{uuid.uuid4().hex[:12]}")
    assert url.startswith("postgresql://")
    monkeypatch.setenv("DAGSTER_PG_URL", url)
    return new_dagster_home(tmp_path / "team_home", TEAM_INSTANCE)


def count(sql: str) -> int:
    """A figure from the instance's own PostgreSQL database."""
    with psycopg2.connect(os.environ["DAGSTER_PG_URL"]) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        (value,) = cursor.fetchone() or (0,)
        return int(value)


def test_a_plain_postgresql_url_opens_the_team_instance_on_postgres(team_home: Path) -> None:
    with dg.DagsterInstance.from_config(str(team_home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"


def test_a_load_keeps_its_run_events_and_check_results_in_postgres(team_home, api_env, resources) -> None:
    with dg.DagsterInstance.from_config(str(team_home)) as instance:
        job = defs.resolve_implicit_global_asset_job_def().get_subset(
            asset_selection={dg.AssetKey(["chess", "players"]), dg.AssetKey(["chess", "players_profiles"])}
        )
        assert job.execute_in_process(instance=instance, resources=resources).success
    assert count("select count(*) from runs") == 1
    assert count("select count(*) from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION'") == 2
    assert count("select count(*) from event_logs where dagster_event_type = 'ASSET_CHECK_EVALUATION'") >= 3
