"""The Dagster UI as a person uses it: headless Chromium (Debian's) driven by Playwright.

Starts the demo setup (fixture API + `dg dev`), opens the asset graph, launches one month of
`chess/players_games` from the UI, waits for it to land and checks that its asset checks passed.
Screenshots go to data/ui-screenshots/.
"""

import contextlib
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.e2e.commands import dg_dev

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = PROJECT_ROOT / "data" / "ui-screenshots"
# As this machine's Chromium needs them: no sandbox as root, and no calls home on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
MONTH = "2022-10"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium not installed (make test installs it)"),
]


@pytest.fixture
def dagster_ui(dagster_env, dagster_home, tmp_path):
    with dg_dev(dagster_env, tmp_path / "dg-dev.log") as (base_url, _):
        yield base_url, dagster_home


def test_a_month_launched_from_the_ui_lands_with_its_checks_passed(dagster_ui):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    base, home = dagster_ui
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/assets/chess/players_games?view=lineage")
        page.get_by_text("player_month_stats").first.wait_for(timeout=60_000)
        # The newsletter dialog of a first visit shows up a moment after the page.
        with contextlib.suppress(PlaywrightTimeout):
            page.get_by_role("button", name="Skip").click(timeout=10_000)
        page.screenshot(path=SCREENSHOTS / "asset-graph.png")

        page.get_by_role("button", name="Materialize…").click()
        page.get_by_role(
            "button", name="Confirm"
        ).click()  # players not loaded yet: fine, games read the list
        dialog = page.locator("[role=dialog]")
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
        browser.close()

    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_materialized_partitions(dg.AssetKey(["chess", "players_games"])) == {MONTH}
