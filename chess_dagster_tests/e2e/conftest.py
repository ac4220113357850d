"""The team's environment for the end-to-end tests: warehouse and Dagster instance on PostgreSQL."""

import uuid
from pathlib import Path

import pytest

from fixture.dagster_home import TEAM_INSTANCE, new_dagster_home
from fixture.postgres import PostgresServer


@pytest.fixture
def team_env(postgres_server: PostgresServer, dagster_env, tmp_path: Path, monkeypatch) -> dict[str, str]:
    """What a team's shell holds: dlt's two warehouse variables, ``DAGSTER_PG_URL`` and a
    ``DAGSTER_HOME`` with deploy/dagster.yaml, each database new."""
    warehouse = postgres_server.create_database(f"chess_{uuid.uuid4().hex[:12]}")
    instance_db = postgres_server.create_database(f"dagster_{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv("DAGSTER_PG_URL", instance_db)  # new_dagster_home opens the instance
    return {
        **dagster_env,
        "DESTINATION__WAREHOUSE__DESTINATION_TYPE": "postgres",
        "DESTINATION__WAREHOUSE__CREDENTIALS": warehouse,
        "DAGSTER_PG_URL": instance_db,
        "DAGSTER_HOME": str(new_dagster_home(tmp_path / "team_home", TEAM_INSTANCE)),
    }
