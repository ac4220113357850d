"""The README, followed top to bottom as a new user would, in a fresh copy of the project.

Every block the README marks runnable (see ``walkthrough.py``) runs in order in one shell, offline
against the fixture API the README starts, with a `.venv` the README's own command creates from the
lock; what each block prints is compared with what the README shows under it.
"""

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.e2e.walkthrough import Step, failures, read_steps, run

README = PROJECT_ROOT / "README.md"
# What a new user's terminal has: no virtualenv, Dagster home or chess settings of the test session.
SHELL_VARIABLES = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "USER",
    "PIP_CACHE_DIR",
    "PIP_INDEX_URL",
    "UV_CACHE_DIR",
    "UV_INDEX_URL",
)


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


def new_user_environment(tmp_path: Path) -> dict[str, str]:
    path = os.pathsep.join(
        part for part in os.environ["PATH"].split(os.pathsep) if not part.startswith(str(PROJECT_ROOT))
    )
    environment = {name: os.environ[name] for name in SHELL_VARIABLES if name in os.environ}
    # Its processes write the bytecode of what they import (no PYTHONDONTWRITEBYTECODE here), so
    # `make setup` need not compile every installed module first: the one change to its commands.
    return environment | {"PATH": path, "TMPDIR": str(tmp_path), "UV_COMPILE_BYTECODE": "0"}


def ports_the_readme_serves_on(steps: list[Step]) -> list[int]:
    return sorted({int(port) for step in steps for port in re.findall(r"--port (\d+)", step.body)})


def assert_free(port: int) -> None:
    """The README's fixed ports must be free, or its commands would talk to someone else's server."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise AssertionError(f"port {port} is in use (make demo running?): stop it and rerun") from None


@pytest.mark.timeout(600)  # the whole README, one command after another: ~3 minutes on 2 cores
def test_every_runnable_readme_block_runs_in_order_and_prints_what_the_readme_shows(tmp_path):
    steps = read_steps(README.read_text())
    for port in ports_the_readme_serves_on(steps):
        assert_free(port)
    project = copy_project(tmp_path / "chess-dagster")
    outputs = run(steps, project, new_user_environment(tmp_path), tmp_path, timeout_s=540)
    problems = []
    for step, output in zip(steps, outputs, strict=True):
        if found := failures(step, output):
            problems += [*found, f"--- what README line {step.line}'s block printed:", output[-3000:]]
    assert not problems, "\n".join(problems)
