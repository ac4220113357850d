"""``make team``: the team deployment as separate services on this machine, stopped with Ctrl-C.

Starts, each as its own process on the instance of ``deploy/dagster.yaml`` (PostgreSQL):

1. PostgreSQL (the machine's server binaries, as the ``postgres`` user), data under
   ``$CHESS_TEAM_DIR/postgres`` (default ``data/team``), kept between runs, on ``$CHESS_TEAM_PG_PORT``
   or a free port; databases ``dagster`` (the instance) and ``chess`` (the warehouse) on it;
2. the fixture Chess.com API, unless ``SOURCES__CHESS__CHESS_URL`` names an API (then none);
3. ``dagster code-server start``: the code location over gRPC, where ``deploy/workspace.yaml`` says;
4. ``dagster-daemon run``: schedules, sensors, backfills, the run queue, run monitoring;
5. ``dagster-webserver`` on ``127.0.0.1:${DAGSTER_PORT:-3000}``;
6. the dashboard (``streamlit run dashboard/app.py``) on ``127.0.0.1:${DASHBOARD_PORT:-8501}``.

Ctrl-C (SIGINT), SIGTERM or SIGHUP stops them all at once, then PostgreSQL; each service's output is in
``$CHESS_TEAM_DIR/logs/``. A second ``make team`` reuses the data.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

import yaml  # type: ignore[import-untyped]  # PyYAML ships no types; no stubs locked

from chess_dagster.lib.settings import PROJECT_ROOT
from fixture.postgres import serving_postgres
from fixture.wait import free_port, wait_for

log = logging.getLogger("make team")

BIN = Path(sys.executable).parent
WORKSPACE = PROJECT_ROOT / "deploy" / "workspace.yaml"
INSTANCE = PROJECT_ROOT / "deploy" / "dagster.yaml"
POSTGRES_POOL_LIMIT = 4  # chess_postgres: loads side by side (README, "Loads side by side")
STOP_TIMEOUT_S = 30.0  # a service still up this long after SIGTERM is stuck: SIGKILL


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stop(BaseException):
    """SIGINT, SIGTERM or SIGHUP (the terminal closed): stop every service. A BaseException, so no
    ``except Exception`` on the way (logging's, for one) swallows it."""


def _ignore_stop_signals() -> None:
    """While stopping: a second Ctrl-C must not cut the stopping short."""
    for each in STOP_SIGNALS:
        signal.signal(each, signal.SIG_IGN)


def _stop(signum: int, _frame: object) -> None:
    _ignore_stop_signals()
    raise Stop(signal.Signals(signum).name)


def code_server_port() -> int:
    (location,) = yaml.safe_load(WORKSPACE.read_text())["load_from"]
    return int(location["grpc_server"]["port"])


def wait_for_port(port: int, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"nothing listens on 127.0.0.1:{port} after {timeout_s:.0f}s") from None
            time.sleep(0.2)


def start_service(name: str, command: Sequence[str], env: dict[str, str], logs: Path) -> subprocess.Popen:
    """Run ``command`` in its own process group, output to ``logs/<name>.log``."""
    with (logs / f"{name}.log").open("ab") as output:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    log.info("%s: pid %d, log %s", name, process.pid, logs / f"{name}.log")
    return process


def stop_services(running: dict[str, subprocess.Popen]) -> None:
    """SIGTERM to every service's process group at once (none needs another to stop), then wait for
    them all within STOP_TIMEOUT_S; a group still alive then gets SIGKILL. Stopping one after the
    other would add their shutdowns up."""
    for process in running.values():
        # The whole group, even when its leader has exited: what it started may live on.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    signalled = time.monotonic()
    for name, process in reversed(running.items()):
        try:
            process.wait(max(0.0, signalled + STOP_TIMEOUT_S - time.monotonic()))
            log.info("%s stopped (%.1fs)", name, time.monotonic() - signalled)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            log.warning("%s killed: still running %.0fs after SIGTERM", name, STOP_TIMEOUT_S)


def _running_pid(pid_file: Path) -> int | None:
    """The live process a PostgreSQL pid file names (None: no file, or a stale one)."""
    try:
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    return pid


def dagster_home(team_dir: Path) -> Path:
    """``deploy/dagster.yaml`` in the team's Dagster home (refreshed each start, the rest kept)."""
    home = team_dir / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(INSTANCE, home / "dagster.yaml")
    return home


def run(team_dir: Path, webserver_port: int) -> None:
    logs = team_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (team_dir / "postgres").mkdir(exist_ok=True)
    if _running_pid(team_dir / "postgres" / "data" / "postmaster.pid"):
        raise SystemExit(f"another make team runs on {team_dir}: stop it (Ctrl-C) or set CHESS_TEAM_DIR")
    with ExitStack() as services:
        postgres_port = int(os.environ.get("CHESS_TEAM_PG_PORT") or 0) or None  # None: a free one
        postgres = services.enter_context(
            serving_postgres(team_dir / "postgres", postgres_port, durable=True)
        )
        log.info("PostgreSQL: 127.0.0.1:%d, data %s", postgres.port, team_dir / "postgres")
        env = {
            **os.environ,
            "DAGSTER_HOME": str(dagster_home(team_dir)),
            "DAGSTER_PG_URL": postgres.create_database("dagster", exist_ok=True),
            "DESTINATION__WAREHOUSE__DESTINATION_TYPE": "postgres",
            "DESTINATION__WAREHOUSE__CREDENTIALS": postgres.create_database("chess", exist_ok=True),
            "DAGSTER_WEBSERVER_URL": f"http://127.0.0.1:{webserver_port}",
            "DO_NOT_TRACK": "1",
        }
        # Set, not left to default_limit (dagster-io/dagster#33552; deploy/dagster.yaml says why).
        subprocess.run(
            [BIN / "dagster", "instance", "concurrency", "set", "chess_postgres", str(POSTGRES_POOL_LIMIT)],
            env=env,
            check=True,
            capture_output=True,
        )
        running: dict[str, subprocess.Popen] = {}
        services.callback(stop_services, running)  # before PostgreSQL stops: it is entered first

        def start(name: str, command: Sequence[str]) -> None:
            running[name] = start_service(name, command, env, logs)

        if not os.environ.get("SOURCES__CHESS__CHESS_URL"):
            api_port = free_port()
            start("fixture-api", [sys.executable, "-m", "fixture", "--port", str(api_port)])
            env["SOURCES__CHESS__CHESS_URL"] = f"http://127.0.0.1:{api_port}/pub/"
            wait_for(f"{env['SOURCES__CHESS__CHESS_URL']}titled/GM")
        log.info("Chess.com API: %s", env["SOURCES__CHESS__CHESS_URL"])
        start_dagster(start, webserver_port)
        dashboard_port = int(os.environ.get("DASHBOARD_PORT") or 8501)
        start(
            "dashboard",
            [str(BIN / "streamlit"), "run", "dashboard/app.py", "--server.port", str(dashboard_port)],
        )
        wait_for(f"http://127.0.0.1:{dashboard_port}/_stcore/health", timeout_s=60)
        log.info(
            "UI: http://127.0.0.1:%d, dashboard: http://127.0.0.1:%d (Ctrl-C stops every service)",
            webserver_port,
            dashboard_port,
        )
        while not (ended := [name for name, process in running.items() if process.poll() is not None]):
            time.sleep(0.5)
        _ignore_stop_signals()
        raise SystemExit(f"{ended[0]} exited; see {logs / ended[0]}.log (every other service is stopped)")


def start_dagster(start: Callable[[str, Sequence[str]], None], webserver_port: int) -> None:
    """The code server, the daemon and the webserver, each once the one before it answers."""
    grpc_port = code_server_port()
    code_server = [str(BIN / "dagster"), "code-server", "start", "-h", "127.0.0.1", "-p", str(grpc_port)]
    start("code-server", [*code_server, "-m", "chess_dagster.definitions"])
    wait_for_port(grpc_port)
    workspace = ["-w", str(WORKSPACE)]
    start("daemon", [str(BIN / "dagster-daemon"), "run", *workspace])
    start(
        "webserver",
        [str(BIN / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(webserver_port), *workspace],
    )
    wait_for(f"http://127.0.0.1:{webserver_port}/server_info", timeout_s=60)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    for each in STOP_SIGNALS:
        signal.signal(each, _stop)
    team_dir = Path(os.environ.get("CHESS_TEAM_DIR") or PROJECT_ROOT / "data" / "team").resolve()
    try:
        run(team_dir, int(os.environ.get("DAGSTER_PORT") or 3000))
    except Stop as stop:
        log.info("%s: every service stopped", stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
