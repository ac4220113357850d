"""The Dagster UI as a person uses it: headless Chromium (Debian's) driven by Playwright.

Starts the demo setup (fixture API + `dg dev`), opens the asset graph, launches one month of
`chess/players_games` from the UI, waits for it to land and checks that its asset checks passed;
after two loads from the shell, finds their load figures plotted on the asset's page.
What the browser saw goes to data/ui-screenshots/ (the README's come from `make screenshots`).
"""

from __future__ import annotations

import subprocess
import time

import dagster as dg
import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.e2e.commands import CHESS_LOAD
from fixture.browser import SCREENSHOTS, chromium_installed, ui_page
from fixture.dagster_home import dg_dev

MONTH = "2022-10"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not chromium_installed(), reason="Chromium not installed (make test installs it)"),
]


@pytest.fixture
def dagster_ui(dagster_env, dagster_home, tmp_path):
    with dg_dev(dagster_env, tmp_path / "dg-dev.log") as (base_url, _):
        yield base_url, dagster_home


def test_a_month_launched_from_the_ui_lands_with_its_checks_passed(dagster_ui):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    base, home = dagster_ui
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with ui_page(f"{base}/assets/chess/players_games?view=lineage", "players_games") as page:
        page.screenshot(path=SCREENSHOTS / "asset-graph.png")

        page.get_by_role("button", name="Materialize…").click()
        confirm = page.locator("[role=dialog]", has_text="Are you sure?")
        # Players not loaded yet: fine, games read the list.
        confirm.get_by_role("button", name="Confirm").click()
        # The confirmation can still be closing while the launch dialog opens: wait for it to go,
        # and name the launch dialog by its title, so a locator never matches both.
        confirm.wait_for(state="detached", timeout=30_000)
        dialog = page.locator("[role=dialog]", has_text="Launch runs to materialize")
        # On a busy machine the dialog can take the text before its partitions have loaded and
        # drop it: type it again, at most three times, until the dialog counts one partition.
        for attempt in range(3):
            page.get_by_placeholder("ex: 2022-01").fill(MONTH)
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

        deadline = time.monotonic() + 180
        while True:  # the backfill daemon launches the run; its checks run after the load
            page.goto(f"{base}/assets/chess/players_games?view=checks")
            page.get_by_text("Checks (6)").wait_for(timeout=60_000)
            page.wait_for_timeout(1000)
            if page.get_by_text("Succeeded", exact=True).count() == 6 or time.monotonic() > deadline:
                break
            page.wait_for_timeout(3000)
        page.screenshot(path=SCREENSHOTS / "checks-passed.png")
        assert page.get_by_text("Succeeded", exact=True).count() == 6

    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_materialized_partitions(dg.AssetKey(["chess", "players_games"])) == {MONTH}


# The load figures every load of the chess source puts on its materializations (load_history.py).
LOAD_FIGURES = ("http_requests", "http_200", "http_429", "http_bytes", "extract_s", "load_s", "rows_per_s")


def test_the_asset_page_plots_the_load_figures_across_runs(dagster_env, dagster_home, tmp_path):
    from playwright.sync_api import FloatRect

    for months in ("2022-01", "2022-02...2022-04"):  # two loads of the roster and months
        load = subprocess.run(
            [CHESS_LOAD, "all", months], cwd=PROJECT_ROOT, env=dagster_env, capture_output=True, text=True
        )
        assert load.returncode == 0, load.stderr[-2000:]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with (
        dg_dev(dagster_env, tmp_path / "dg-dev.log") as (base, _),
        ui_page(f"{base}/assets/chess/players?view=overview", "http_requests", height=2600) as page,
    ):
        page.get_by_role("button", name="Plots").click()
        titles = [page.get_by_text(figure, exact=True).first for figure in LOAD_FIGURES]
        for title in titles:
            title.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)  # the plots draw once their data is in
        heading = page.get_by_text("Metadata", exact=True).first.bounding_box()
        plots = [box for canvas in page.locator("canvas").all() if (box := canvas.bounding_box())]
        assert heading and plots
        left, right = min(b["x"] for b in plots) - 24, max(b["x"] + b["width"] for b in plots) + 8
        bottom = max(b["y"] + b["height"] for b in plots) + 16
        top = heading["y"] - 16
        clip = FloatRect(x=left, y=top, width=right - left, height=bottom - top)
        page.screenshot(path=SCREENSHOTS / "load-figures.png", clip=clip)

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        records = instance.fetch_materializations(dg.AssetKey(["chess", "players"]), limit=10).records
    loads = [record.asset_materialization for record in records if record.asset_materialization]
    assert len(loads) == 2
    assert all({"http_requests", "extract_s", "rows_per_s"} <= set(load.metadata) for load in loads)
