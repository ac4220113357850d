"""Killing a run in a chosen phase of its dlt load, watched from outside its process.

The crash tests and the soak use it: the fixture API counts the month requests (extract is under
way), and dlt's working folder shows when extract has committed its package (normalize is under
way) and when normalize has committed its own (load is under way).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

from chess_dagster.fixture_api.server import FixtureServer
from chess_dagster.resources import waiting_packages

PHASES = ("extract", "normalize", "load")


def reached(phase: str, api: FixtureServer, duckdb_path: str) -> bool:
    """Whether a run loading into ``duckdb_path`` from ``api`` has got into ``phase``."""
    if phase == "extract":
        return api.state.stats()["by_route"].get("month", 0) >= 2
    return bool(waiting_packages(duckdb_path, "extracted" if phase == "normalize" else "normalized"))


def kill_in(phase: str, run: subprocess.Popen, api: FixtureServer, duckdb_path: str, timeout_s: float = 120) -> bool:
    """SIGKILL ``run`` (started with ``start_new_session``) and its children once it is in ``phase``.

    Returns False when the run ended before it got there.
    """
    deadline = time.monotonic() + timeout_s
    while run.poll() is None and not reached(phase, api, duckdb_path) and time.monotonic() < deadline:
        time.sleep(0.001)
    if run.poll() is not None:
        return False
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    return True
