"""`make demo` as the README shows it, and what a person does with it: the fixture API and the Slack
receiver, the roster and last month loaded while a dashboard refreshes, the moves read and the mart
built, then the Dagster UI (driven in headless Chromium through Playwright) and the dashboard
serving; the Slack page's commands answer; Ctrl-C stops it all.

One demo serves the module's tests (``demo``, module-scoped): each test reads what the demo did or
uses its servers. What the browser saw goes to data/ui-screenshots/ (the README's pictures come from
`make screenshots`).
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.e2e.commands import CHESS_LOAD
from chess_dagster_tests.e2e.walkthrough import blocks_of, new_user_environment
from fixture.browser import SCREENSHOTS, chromium_installed, ui_page
from fixture.dagster_home import new_dagster_home
from fixture.wait import free_port, wait_for

# The tests share one demo (module-scoped): xdist runs them on one worker (`--dist loadgroup`).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo")]
browser = pytest.mark.skipif(
    not chromium_installed(), reason="Chromium not installed (make test installs it)"
)
RUNNER = "chess_dagster_tests/e2e/test_demo.py"
# The demo's default ports, as the Slack page's commands name them.
SHOWN_PORTS = {"8765": "FIXTURE_PORT", "8766": "SLACK_PORT"}
GAMES = dg.AssetKey(["chess", "players_games"])
UI_MONTH = "2022-10"  # the month launched from the UI, one the demo did not load
SHELL_MONTH = "2022-09"  # the month of a load typed beside the demo
MODELS_FROM_MOVES = ("player_time_management", "player_phases", "opening_tree", "player_rating_gap")


def demo_command() -> list[str]:
    (block,) = blocks_of("README.md", RUNNER)
    line = next(line for line in block.splitlines() if line.startswith("make demo"))
    return shlex.split(line.split("#")[0])


def last_month() -> str:
    return (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Demo:
    """A running `make demo`, and what it had done when its servers answered."""

    process: subprocess.Popen
    ports: dict[str, int]
    env: dict[str, str]  # the demo's settings, for a command typed beside it
    log: Path
    statuses: list[dg.DagsterRunStatus]
    months_loaded: set[str]
    reads_met: dict[str, int]

    @property
    def home(self) -> Path:
        return Path(self.env["DAGSTER_HOME"])

    @property
    def duckdb_path(self) -> Path:
        return Path(self.env["CHESS_DUCKDB_PATH"])

    @property
    def ui(self) -> str:
        return f"http://127.0.0.1:{self.ports['DAGSTER_PORT']}"

    def stop(self) -> None:
        ctrl_c(self.process)


def ctrl_c(process: subprocess.Popen) -> None:
    """Ctrl-C in the demo's terminal (SIGINT to its process group), once."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)


def start_demo(folder: Path, ports: dict[str, int]) -> tuple[subprocess.Popen, dict[str, str]]:
    """`make demo` with its ports, Dagster home and DuckDB file moved (make's variables and the
    script's, as a user moves them)."""
    home = new_dagster_home(folder / "dagster_home")
    duckdb_path = folder / "chess.duckdb"
    env = new_user_environment(folder) | {
        "SLACK_PORT": str(ports["SLACK_PORT"]),
        "CHESS_DUCKDB_PATH": str(duckdb_path),
    }
    variables = [
        f"DAGSTER_HOME={home}",
        *(f"{name}={port}" for name, port in ports.items() if name != "SLACK_PORT"),
    ]
    with (folder / "demo.log").open("w") as log:
        process = subprocess.Popen(
            [*demo_command(), *variables],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    beside = {  # what scripts/demo.sh exports, for a command typed beside the demo
        "DAGSTER_HOME": str(home),
        "SOURCES__CHESS__CHESS_URL": f"http://127.0.0.1:{ports['FIXTURE_PORT']}/pub/",
        "SOURCES__CHESS__MAX_PLAYERS": "5",
    }
    return process, env | beside


def dashboard_reader(env: dict[str, str], stop_file: Path) -> subprocess.Popen:
    """A dashboard refreshing twice a second beside the demo's loads and dbt build."""
    return subprocess.Popen(
        [sys.executable, "-m", "chess_dagster_tests.e2e.dashboard_reader", str(stop_file)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo")
    ports = {name: free_port() for name in ("FIXTURE_PORT", "SLACK_PORT", "DAGSTER_PORT", "DASHBOARD_PORT")}
    process, env = start_demo(folder, ports)
    stop_reading = folder / "stop-reading"
    reader = dashboard_reader(env, stop_reading)
    try:
        wait_for(f"http://127.0.0.1:{ports['DAGSTER_PORT']}/server_info", timeout_s=300)
        wait_for(f"http://127.0.0.1:{ports['DASHBOARD_PORT']}/_stcore/health", timeout_s=60)
        stop_reading.touch()
        reads_met = json.loads(reader.communicate(timeout=60)[0])
        with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
            statuses = [run.status for run in instance.get_runs()]
            months = instance.get_materialized_partitions(GAMES)
        yield Demo(process, ports, env, folder / "demo.log", statuses, months, reads_met)
    finally:
        reader.kill()
        ctrl_c(process)


def test_make_demo_loads_last_month_reads_its_moves_and_builds_the_mart(demo):
    assert demo.statuses == [dg.DagsterRunStatus.SUCCESS] * 3, demo.log.read_text()
    assert demo.months_loaded == {last_month()}
    with duckdb.connect(str(demo.duckdb_path), read_only=True) as warehouse:
        months = warehouse.sql("select distinct month from chess_analytics.player_month_stats").fetchall()
        moves = warehouse.sql("select distinct month from chess_moves.game_moves").fetchall()
        from_moves = [
            warehouse.sql(f"select distinct month from chess_analytics.{model}").fetchall()
            for model in MODELS_FROM_MOVES
        ]
    assert months == moves == [(last_month(),)]
    assert from_moves == [[(last_month(),)]] * len(MODELS_FROM_MOVES)


def test_the_demos_loads_and_mart_build_succeed_while_a_dashboard_refreshes(demo):
    assert demo.statuses == [dg.DagsterRunStatus.SUCCESS] * 3, demo.log.read_text()
    # it read the mart once built, and it met the writers at work
    assert demo.reads_met.get("read", 0) > 0 and demo.reads_met.get("busy", 0) > 0, demo.reads_met


def run_slack_page(ports: dict[str, int]) -> list[str]:
    """The Slack page's commands against the demo's servers: what each printed."""
    (block,) = blocks_of("docs/slack.md", RUNNER)
    for shown, name in SHOWN_PORTS.items():
        block = block.replace(f"127.0.0.1:{shown}", f"127.0.0.1:{ports[name]}")
    printed = []
    for command in filter(None, (line.split("#")[0].strip() for line in block.splitlines())):
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, (command, result.stderr)
        printed.append(result.stdout)
    return printed


def test_the_slack_pages_commands_answer_from_the_demos_receiver(demo):
    posts = run_slack_page(demo.ports)[-1]
    assert json.loads(posts) == []  # nothing drifted yet: the switch is for the next load


@browser
def test_a_month_launched_from_the_ui_lands_with_its_checks_passed(demo):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with ui_page(f"{demo.ui}/assets/chess/players_games?view=lineage", "players_games") as page:
        page.screenshot(path=SCREENSHOTS / "asset-graph.png")
        launch_one_month(page, UI_MONTH)
        checks = month_checks_once_landed(demo.home, UI_MONTH, timeout_s=180)
        page.goto(f"{demo.ui}/assets/chess/players_games?view=checks")
        page.get_by_text("Checks (6)").wait_for(timeout=60_000)
        page.get_by_text("Succeeded", exact=True).nth(5).wait_for(timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "checks-passed.png")
        shown = page.get_by_text("Succeeded", exact=True).count()
    assert len(checks) == 6 and all(checks.values()), checks
    assert shown == 6


def launch_one_month(page, month: str) -> None:
    """Materialize… on the asset's page, one partition typed into the launch dialog."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.get_by_role("button", name="Materialize…").click()
    page.locator("[role=dialog]").first.wait_for(timeout=30_000)
    confirm = page.locator("[role=dialog]", has_text="Are you sure?")
    if confirm.count():  # asked when an upstream asset was never materialized
        confirm.get_by_role("button", name="Confirm").click()
        # The confirmation can still be closing while the launch dialog opens: wait for it to go,
        # and name the launch dialog by its title, so a locator never matches both.
        confirm.wait_for(state="detached", timeout=30_000)
    dialog = page.locator("[role=dialog]", has_text="Launch runs to materialize")
    # On a busy machine the dialog can take the text before its partitions have loaded and drop
    # it: type it again, at most three times, until the dialog counts one partition.
    for attempt in range(3):
        page.get_by_placeholder("ex: 2022-01").fill(month)
        page.keyboard.press("Enter")
        try:
            dialog.get_by_text("1 partition", exact=True).wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            page.screenshot(path=SCREENSHOTS / f"launch-dialog-attempt-{attempt + 1}.png")
    else:
        raise AssertionError("the launch dialog never counted 1 partition (see its screenshots)")
    page.screenshot(path=SCREENSHOTS / "launch-dialog.png")
    dialog.get_by_role("button", name="Launch").click()
    dialog.wait_for(state="detached", timeout=30_000)


def month_checks_once_landed(home: Path, month: str, timeout_s: float) -> dict[str, bool]:
    """Each check of the run that loaded ``month`` and whether it passed, once the run ended. The
    backfill daemon launches the run; its checks run after the load."""
    deadline = time.monotonic() + timeout_s
    with dg.DagsterInstance.from_config(str(home)) as instance:
        while True:
            runs = [
                run
                for run in instance.get_runs(filters=dg.RunsFilter(tags={"dagster/partition": month}))
                if GAMES in (run.asset_selection or ())
            ]
            if (runs and all(run.is_finished for run in runs)) or time.monotonic() > deadline:
                break
            time.sleep(2)
        assert [run.status for run in runs] == [dg.DagsterRunStatus.SUCCESS], runs
        events = instance.all_logs(runs[0].run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    evaluations = [event.dagster_event.asset_check_evaluation_data for event in events]  # type: ignore[union-attr]
    return {evaluation.check_name: evaluation.passed for evaluation in evaluations}


# The load figures every load of the chess source puts on its materializations (load_history.py).
LOAD_FIGURES = ("http_requests", "http_200", "http_429", "http_bytes", "extract_s", "load_s", "rows_per_s")


@browser
def test_the_asset_page_plots_the_load_figures_across_runs(demo):
    from playwright.sync_api import FloatRect

    # the demo loaded the roster once; a second load, with a month, from the shell beside it
    load = subprocess.run(
        [CHESS_LOAD, "all", SHELL_MONTH], cwd=PROJECT_ROOT, env=demo.env, capture_output=True, text=True
    )
    assert load.returncode == 0, load.stderr[-2000:]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with ui_page(f"{demo.ui}/assets/chess/players?view=overview", "http_requests", height=2600) as page:
        page.get_by_role("button", name="Plots").click()
        for figure in LOAD_FIGURES:
            page.get_by_text(figure, exact=True).first.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)  # the plots draw once their data is in
        heading = page.get_by_text("Metadata", exact=True).first.bounding_box()
        plots = [box for canvas in page.locator("canvas").all() if (box := canvas.bounding_box())]
        assert heading and plots
        left, right = min(b["x"] for b in plots) - 24, max(b["x"] + b["width"] for b in plots) + 8
        bottom = max(b["y"] + b["height"] for b in plots) + 16
        top = heading["y"] - 16
        clip = FloatRect(x=left, y=top, width=right - left, height=bottom - top)
        page.screenshot(path=SCREENSHOTS / "load-figures.png", clip=clip)

    with dg.DagsterInstance.from_config(str(demo.home)) as instance:
        records = instance.fetch_materializations(dg.AssetKey(["chess", "players"]), limit=10).records
    loads = [record.asset_materialization for record in records if record.asset_materialization]
    assert len(loads) == 2
    assert all({"http_requests", "extract_s", "rows_per_s"} <= set(load.metadata) for load in loads), [
        sorted(load.metadata) for load in loads
    ]


def test_ctrl_c_stops_every_server_the_demo_started(demo):
    demo.stop()
    assert not [port for port in demo.ports.values() if listening(port)], "Ctrl-C left a server running"
