"""The README, then the docs pages it sends a new user to, followed as a new user would, in a fresh
copy of the project.

Every block the pages mark runnable (see ``walkthrough.py``) runs in order in one shell, offline
against the fixture API the README starts, with a `.venv` the README's own command creates from the
lock; what each block prints is compared with what the page shows under it.
"""

import re
import shutil
import socket
import subprocess
from pathlib import Path

import dagster as dg
import pytest

from chess_dagster.defs.ingest.partitions import monthly_partitions
from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.conftest import loaded_game_urls, query
from chess_dagster_tests.e2e.walkthrough import Step, failures, new_user_environment, read_steps, run
from chess_dagster_tests.loads import retried_steps
from fixture.data import ChessUniverse

# The pages in the order a reader follows them: the README's blocks set up the shell the others use.
WALKED_PAGES = ("README.md", "docs/mart.md", "docs/months.md", "docs/checks.md", "docs/loads.md")
# What the README's blocks load into data/chess.duckdb, each range in one run: `dg launch` 2022-01...03,
# `chess-load` 2022-04...09 and 2023-01...03, `make load` 2023-04...06; the mart's job builds
# 2022-01...06. Its roster: the first 10 GMs (.dlt/config.toml) of the fixture's defaults.
LOADED_RANGES = [
    ("2022-01", "2022-03"),
    ("2022-04", "2022-09"),
    ("2023-01", "2023-03"),
    ("2023-04", "2023-06"),
]
MART_RANGE = ("2022-01", "2022-06")
ROSTER = 10


def walked_steps() -> list[Step]:
    return [step for page in WALKED_PAGES for step in read_steps((PROJECT_ROOT / page).read_text(), page)]


def copy_project(destination: Path) -> Path:
    """The project's files as a fresh clone holds them (tracked and new, not ignored ones)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def ports_the_readme_serves_on(steps: list[Step]) -> list[int]:
    return sorted({int(port) for step in steps for port in re.findall(r"--port (\d+)", step.body)})


def assert_free(port: int) -> None:
    """The README's fixed ports must be free, or its commands would talk to someone else's server."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise AssertionError(f"port {port} is in use (make demo running?): stop it and rerun") from None


def test_every_page_with_runnable_blocks_is_walked() -> None:
    marked = {
        path.relative_to(PROJECT_ROOT).as_posix()
        for path in [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
        if read_steps(path.read_text(), path.name)
    }
    assert marked == set(WALKED_PAGES)


@pytest.mark.timeout(600)  # the whole walk, one command after another: ~3 minutes on 2 cores
def test_every_runnable_block_runs_in_order_and_prints_what_its_page_shows(tmp_path):
    steps = walked_steps()
    for port in ports_the_readme_serves_on(steps):
        assert_free(port)
    project = copy_project(tmp_path / "chess-dagster")
    try:
        outputs = run(steps, project, new_user_environment(tmp_path), tmp_path, timeout_s=540)
    finally:
        # 30,000 files: pytest's clean-up of old temporary folders would delete them at the start
        # of a later session, before any test runs.
        shutil.rmtree(project / ".venv", ignore_errors=True)
    problems = []
    for step, output in zip(steps, outputs, strict=True):
        if found := failures(step, output):
            problems += [*found, f"--- what {step.where}'s block printed:", output[-3000:]]
    assert not problems, "\n".join(problems)
    assert_the_walk_loaded_the_fixtures_games_one_run_per_range_retrying_nothing(project)


def assert_the_walk_loaded_the_fixtures_games_one_run_per_range_retrying_nothing(project: Path) -> None:
    universe = ChessUniverse()  # `python -m fixture`'s defaults
    roster = universe.titled_usernames("GM")[:ROSTER]
    months = [
        month
        for start, end in LOADED_RANGES
        for month in monthly_partitions.get_partition_keys_in_range(dg.PartitionKeyRange(start, end))
    ]
    duckdb_path = str(project / "data" / "chess.duckdb")
    assert loaded_game_urls(duckdb_path) == universe.game_urls(roster, months)
    assert query(duckdb_path, "select count(*) from chess_data.players_profiles") == [(ROSTER,)]
    with dg.DagsterInstance.from_config(str(project / "dagster_home")) as instance:
        runs = instance.get_runs()
        logs = [entry for run in runs for entry in instance.all_logs(run.run_id)]
    events = [entry.dagster_event for entry in logs if entry.dagster_event]
    ranges = [
        (run.tags["dagster/asset_partition_range_start"], run.tags["dagster/asset_partition_range_end"])
        for run in runs
        if "dagster/asset_partition_range_start" in run.tags
    ]
    assert sorted(ranges) == sorted([*LOADED_RANGES, MART_RANGE])  # a range is one run, not a backfill
    failed = [run for run in runs if run.status != dg.DagsterRunStatus.SUCCESS]
    assert [run.status for run in failed] == [dg.DagsterRunStatus.FAILURE]  # the README's ftp:// example
    assert retried_steps(events) == []  # a clean run retries nothing
