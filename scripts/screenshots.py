"""`make screenshots`: the README's pictures (docs/*.png), taken from what the demo shows.

A throw-away Dagster home and DuckDB file, the fixture API, players and one month of games
loaded with `chess-load`, the mart built with `dg launch`, then `dg dev` opened in headless
Chromium, and the dashboard (`streamlit run`) beside it. The suite's browser tests check the same
pages; this only photographs them.
"""

import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from playwright.sync_api import FloatRect

from chess_dagster.lib.settings import PROJECT_ROOT
from fixture.browser import chromium_installed, ui_page
from fixture.dagster_home import CHESS_LOAD, DG, dashboard_server, dg_dev, new_dagster_home
from fixture.server import running_fixture_api

log = logging.getLogger("screenshots")
DOCS = PROJECT_ROOT / "docs"
MONTH = "2022-10"
# The mart's group page draws its models and the chess source's tables they read.
MART_LINEAGE = "locations/chess_dagster/asset-groups/chess_analytics"


def run(command: list[str], env: Mapping[str, str]) -> None:
    """``command`` in the project's folder; its output only when it fails."""
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")


def mart_models() -> list[str]:
    """The mart's models, as the group page titles them."""
    from chess_dagster.definitions import defs  # loads the code location: only when photographing

    return [
        spec.key.path[-1] for spec in defs.resolve_all_asset_specs() if spec.group_name == "chess_analytics"
    ]


def mart_lineage(base_url: str) -> None:
    with ui_page(f"{base_url}/{MART_LINEAGE}", "head_to_head", width=1900, height=1500) as page:
        page.get_by_text("Hide navigation").click()
        page.wait_for_timeout(2000)  # the graph fits itself to the page after its nodes show
        framed = ("players_games", "players", "players_stats", *mart_models())
        titles = [page.get_by_text(name, exact=True).first for name in framed]
        boxes = [box for title in titles if (box := title.bounding_box())]
        # A node's title is its top left corner: its rows and kind tags reach below and right.
        left, top = min(b["x"] for b in boxes) - 24, min(b["y"] for b in boxes) - 24
        right, bottom = max(b["x"] for b in boxes) + 340, max(b["y"] for b in boxes) + 130
        clip = FloatRect(x=left, y=top, width=right - left, height=bottom - top)
        page.screenshot(path=DOCS / "mart-lineage.png", clip=clip)


def dashboard_pages(base_url: str) -> None:
    """Each page of the dashboard whole: a viewport tall enough that Streamlit's own scrolling
    area holds the page (a full-page screenshot of it would stop at the first screen)."""
    for name, path, ready in (
        ("player", "", "How the games end"),
        ("openings", "openings", "Games in the top ECO codes"),
    ):
        with ui_page(f"{base_url}/{path}", ready, width=1400, height=3400, first_visit_dialog=False) as page:
            page.get_by_test_id("stVegaLiteChart").first.locator("svg").wait_for(timeout=30_000)
            page.wait_for_timeout(1000)  # charts fit themselves to their columns
            main = page.get_by_test_id("stMainBlockContainer").bounding_box()
            assert main is not None
            clip = FloatRect(x=main["x"], y=main["y"], width=main["width"], height=main["height"])
            page.screenshot(path=DOCS / f"dashboard-{name}.png", clip=clip)
        log.info("wrote %s", DOCS / f"dashboard-{name}.png")


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    if not chromium_installed():
        raise SystemExit("Chromium is not installed: run `make chromium` first")
    with tempfile.TemporaryDirectory() as folder, running_fixture_api() as api:
        env = {
            **os.environ,
            "DAGSTER_HOME": str(new_dagster_home(Path(folder) / "dagster_home")),
            "CHESS_DUCKDB_PATH": str(Path(folder) / "chess.duckdb"),
            "SOURCES__CHESS__CHESS_URL": api.base_url,
            "SOURCES__CHESS__MAX_PLAYERS": "5",
            "VIRTUAL_ENV": sys.prefix,
        }
        log.info("loading players and %s from the fixture API, then building the mart", MONTH)
        run([CHESS_LOAD, "all", MONTH], env)
        run([DG, "launch", "--job", "chess_mart_job", "--partition", MONTH], env)
        with dg_dev(env, Path(folder) / "dg-dev.log") as (base_url, _):
            mart_lineage(base_url)
            log.info("wrote %s", DOCS / "mart-lineage.png")
            with dashboard_server({**env, "DAGSTER_WEBSERVER_URL": base_url}, Path(folder) / "st.log") as url:
                dashboard_pages(url)


if __name__ == "__main__":
    main()
