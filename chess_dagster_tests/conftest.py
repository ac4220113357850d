"""Real parts for every test: a fixture Chess.com API over HTTP, a DuckDB file, a Dagster instance."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dlt import DagsterDltResource

from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster_tests.loads import (
    INSTANCE_OVERRIDES,
    PLAYERS,
    LoadTemplates,
    shared_folder,
    small_universe,
)
from chess_dagster_tests.mart_build import MartTemplate
from fixture import ChessUniverse, FixtureKnobs, FixtureServer, running_fixture_api
from fixture.dagster_home import new_dagster_home
from fixture.postgres import PostgresServer, running_postgres


def pytest_configure(config: pytest.Config) -> None:
    """Settings are read once, when the definitions load: keep the retry policy's waits short.

    A shell without job control starts a background command (`make test &`, some CI runners) with
    SIGINT ignored, and an ignored signal stays ignored across exec: the `dg dev` the tests stop
    with Ctrl-C would never see it. Handling SIGINT here gives every child the default again.
    """
    os.environ.setdefault("CHESS_RETRY_DELAY_S", "0.2")
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


# The longest single tests, a minute or more each, longest first (the README walked through, the
# team's services, the team's shell); make demo's tests are a group, handed out before them.
LONGEST_FIRST = (
    "e2e/test_readme.py",
    "e2e/test_team.py",
    "e2e/test_team_shell.py",
)
TIER_ORDER = ("e2e", "integration", "unit")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first, then the tiers from the slowest: pytest-xdist hands tests out in
    this order (after the `xdist_group`s, largest first), and a minute-long test collected last runs
    alone at the end while the other workers idle."""

    def rank(item: pytest.Item) -> tuple[int, int]:
        path = item.path.as_posix()
        longest = next((i for i, name in enumerate(LONGEST_FIRST) if path.endswith(name)), len(LONGEST_FIRST))
        tier = next((i for i, name in enumerate(TIER_ORDER) if f"/{name}/" in path), len(TIER_ORDER))
        return longest, tier

    items.sort(key=rank)


@pytest.fixture
def universe() -> ChessUniverse:
    return small_universe()


@pytest.fixture
def fixture_api(universe: ChessUniverse) -> Iterator[FixtureServer]:
    with running_fixture_api(universe, FixtureKnobs()) as server:
        yield server


# Before any test points tempfile at its own folder: the PostgreSQL server's user must reach its data.
SYSTEM_TMP = tempfile.gettempdir()


@pytest.fixture(autouse=True)
def chess_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Keep every test off the real API, the project's data folder, the dbt project's target/ and
    the user's Dagster home; dlt's working folders (temporary, one per step) in the test's own
    TMPDIR, here and in the processes it starts. A short path: Chromium puts a socket in it (at
    most 107 bytes)."""
    own_tmp = tempfile.mkdtemp(prefix="chess-test-")
    monkeypatch.setenv("TMPDIR", own_tmp)
    monkeypatch.setattr(tempfile, "tempdir", own_tmp)
    monkeypatch.setenv("SOURCES__CHESS__CHESS_URL", "http://127.0.0.1:9/pub/")
    monkeypatch.setenv("SOURCES__CHESS__MAX_PLAYERS", str(PLAYERS))
    monkeypatch.setenv("CHESS_DUCKDB_PATH", str(tmp_path / "data" / "chess.duckdb"))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "dbt_target"))
    monkeypatch.setenv("RUNTIME__REQUEST_BACKOFF_FACTOR", "0.05")
    monkeypatch.setenv("RUNTIME__REQUEST_TIMEOUT", "10")
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
    yield
    shutil.rmtree(own_tmp, ignore_errors=True)


@pytest.fixture
def api_env(monkeypatch: pytest.MonkeyPatch, fixture_api: FixtureServer) -> FixtureServer:
    monkeypatch.setenv("SOURCES__CHESS__CHESS_URL", fixture_api.base_url)
    return fixture_api


@pytest.fixture
def duckdb_path() -> str:
    return os.environ["CHESS_DUCKDB_PATH"]


@pytest.fixture
def resources(duckdb_path: str) -> dict[str, object]:
    return {"dlt": DagsterDltResource(), "warehouse": ChessWarehouse(database=duckdb_path)}


@pytest.fixture
def dagster_home(tmp_path: Path) -> Path:
    """A Dagster home for `dg`, `chess-load` and `dg dev`, configured like the project's."""
    return new_dagster_home(tmp_path / "dagster_home")


@pytest.fixture
def dagster_env(dagster_home: Path, api_env: FixtureServer) -> dict[str, str]:
    """The environment `make` gives the CLI, pointed at the fixture API and this test's Dagster home."""
    # VIRTUAL_ENV: `dg` runs the project in the environment the user activated (this one).
    return {**os.environ, "DAGSTER_HOME": str(dagster_home), "VIRTUAL_ENV": sys.prefix}


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session (0.6 s to start); each test makes its own database."""
    with running_postgres(parent=SYSTEM_TMP) as server:
        yield server


@pytest.fixture
def postgres_warehouse(postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh database as the warehouse, set the way a user sets it: dlt's two variables."""
    url = postgres_server.create_database(f"chess_{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv("DESTINATION__WAREHOUSE__DESTINATION_TYPE", "postgres")
    monkeypatch.setenv("DESTINATION__WAREHOUSE__CREDENTIALS", url)
    return url


@pytest.fixture(params=["duckdb", "postgres"])
def either_warehouse(request: pytest.FixtureRequest) -> str:
    """Run the test on the DuckDB file and again on a PostgreSQL warehouse."""
    if request.param == "postgres":
        request.getfixturevalue("postgres_warehouse")
    return request.param


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test(overrides=INSTANCE_OVERRIDES) as instance:
        yield instance


@pytest.fixture(scope="session")
def load_templates(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> LoadTemplates:
    return LoadTemplates(shared_folder(tmp_path_factory, worker_id, "loads"))


@pytest.fixture(scope="session")
def mart_template(
    load_templates: LoadTemplates, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> MartTemplate:
    """The mart built once for the whole session, in the folder every test process shares
    (pytest-xdist's workers each have their own temp folder under it)."""
    return MartTemplate(shared_folder(tmp_path_factory, worker_id, "mart"), load_templates)


def loaded_game_urls(duckdb_path: str) -> set[str]:
    """Game urls in DuckDB; none when dlt has not created the table (nothing was ever loaded)."""
    if not Path(duckdb_path).exists():
        return set()
    tables = query(
        duckdb_path, "select table_name from information_schema.tables where table_schema = 'chess_data'"
    )
    if ("players_games",) not in tables:
        return set()
    return {url for (url,) in query(duckdb_path, "select url from chess_data.players_games")}


def query(duckdb_path: str, sql: str) -> list[tuple]:
    with duckdb.connect(duckdb_path, read_only=True) as connection:
        return connection.sql(sql).fetchall()


def fixture_game_urls(
    universe: ChessUniverse, months: list[str], usernames: list[str] | None = None
) -> set[str]:
    """What the fixture API holds for ``usernames`` (default: the GMs loaded) in ``months``: the truth."""
    return universe.game_urls(
        universe.titled_usernames("GM")[:PLAYERS] if usernames is None else usernames, months
    )
