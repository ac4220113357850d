"""The commands a user types, as the end-to-end tests run them: where they are, and `dg dev`."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from chess_dagster.lib.settings import PROJECT_ROOT
from fixture.wait import free_port, wait_for

BIN = Path(sys.executable).parent
DG = str(BIN / "dg")
CHESS_LOAD = str(BIN / "chess-load")


@contextmanager
def dg_dev(env: Mapping[str, str], log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`dg dev` (UI and daemon) on a free port, its output in ``log``; yields its URL and process.

    When the block ends it is stopped as a user stops it, Ctrl-C (SIGINT to its process group).
    """
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [DG, "dev", "--host", "127.0.0.1", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/server_info", timeout_s=120)
            yield f"http://127.0.0.1:{port}", process
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)
