"""Fixture loads the tests start from: run once per test session, copied into each test that needs one."""

from __future__ import annotations

import fcntl
import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
from dagster_dlt import DagsterDltResource

from chess_dagster.definitions import defs
from chess_dagster.defs.resources import ChessWarehouse
from fixture import ChessUniverse, FixtureKnobs, Month, running_fixture_api

# Players loaded by the tests (SOURCES__CHESS__MAX_PLAYERS), of the small universe's 6 GMs.
PLAYERS = 3
INSTANCE_OVERRIDES = {"concurrency": {"pools": {"default_limit": 1}}}


def small_universe() -> ChessUniverse:
    """The fixture API's data in the tests: 6 GMs (3 loaded), 12 games a month from 2021-06."""
    return ChessUniverse(players_per_title=6, games_per_month=12, first_month=Month(2021, 6))


@dataclass(frozen=True)
class Loaded:
    """A warehouse and a Dagster instance as a load left them (a test's own copies), the load's
    result and the fixture API's counters after it."""

    duckdb_path: str
    instance: dg.DagsterInstance
    result: dg.ExecuteInProcessResult
    api_stats: dict


def retried_steps(events: Iterable[dg.DagsterEvent]) -> list[str]:
    """The steps a run retried: none in a clean run, whose retry policy is for the network's faults."""
    return [event.step_key or "" for event in events if event.is_step_up_for_retry]


def run_events(dagster_home: Path) -> list[dg.DagsterEvent]:
    """The Dagster events of the one run in the instance at ``dagster_home``."""
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        (run,) = instance.get_runs()
        return [entry.dagster_event for entry in instance.all_logs(run.run_id) if entry.dagster_event]


def built_once(folder: Path, build: Callable[[Path], None]) -> Path:
    """``folder``, built by ``build`` once for every test process sharing it: the first to ask
    builds while the others wait on a file lock, then all read what it left."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = folder.with_suffix(".done")
        if not done.exists():
            build(folder)
            done.touch()
    return folder


def shared_folder(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str) -> Path:
    """A folder of this test session every test process sees (pytest-xdist gives each worker its
    own temp folder under the session's)."""
    own = tmp_path_factory.getbasetemp()
    return (own if worker_id == "master" else own.parent) / name


class LoadTemplates:
    """Loads run once per test session and copied into each test that starts from one (a file copy
    of the DuckDB file and the instance's folder, not a load): the same job with the same tags
    against the same fixture data leaves the same state. The load's result is read back from the
    copied instance's event log, so every test process can have it."""

    def __init__(self, root: Path) -> None:
        self._root = root

    @contextmanager
    def copy(self, job: str, tags: dict[str, str], duckdb_path: str, folder: Path) -> Iterator[Loaded]:
        key = f"{job}-{'-'.join(sorted(tags.values()))}"
        template = built_once(self._root / key, lambda into: self._load(into, job, tags))
        Path(duckdb_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(template / "chess.duckdb", duckdb_path)
        shutil.copytree(template / "instance", folder)
        api_stats = json.loads((template / "api_stats.json").read_text())
        with dg.instance_for_test(overrides=INSTANCE_OVERRIDES, temp_dir=str(folder)) as instance:
            yield Loaded(duckdb_path, instance, _the_only_run(instance, job), api_stats)

    @staticmethod
    def _load(folder: Path, job: str, tags: dict[str, str]) -> None:
        """``job`` run with ``tags`` against the tests' fixture API, in the tests' environment."""
        database = str(folder / "chess.duckdb")
        (folder / "instance").mkdir(parents=True)
        with (
            running_fixture_api(small_universe(), FixtureKnobs()) as api,
            pytest.MonkeyPatch.context() as env,
        ):
            env.setenv("SOURCES__CHESS__CHESS_URL", api.base_url)
            env.setenv("SOURCES__CHESS__MAX_PLAYERS", str(PLAYERS))
            env.setenv("CHESS_DUCKDB_PATH", database)
            env.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
            with dg.instance_for_test(
                overrides=INSTANCE_OVERRIDES, temp_dir=str(folder / "instance")
            ) as instance:
                result = defs.resolve_job_def(job).execute_in_process(
                    instance=instance,
                    resources={"dlt": DagsterDltResource(), "warehouse": ChessWarehouse(database=database)},
                    tags=tags,
                )
            assert retried_steps(result.all_events) == [], "a clean load retried a step"
            (folder / "api_stats.json").write_text(json.dumps(api.state.stats()))


def _the_only_run(instance: dg.DagsterInstance, job: str) -> dg.ExecuteInProcessResult:
    """The template's one run as ``execute_in_process`` returned it, from the instance's event log."""
    (run,) = instance.get_runs()
    events = [entry.dagster_event for entry in instance.all_logs(run.run_id) if entry.dagster_event]
    return dg.ExecuteInProcessResult(events, run, None, defs.resolve_job_def(job))
