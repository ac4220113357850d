"""Server-side seconds of each dashboard page on a warehouse (``CHESS_DUCKDB_PATH``): cold (nothing
cached; Python and Streamlit already imported, as in a running server) and warm (the same page
again, its queries cached). ``python -m bench.dashboard_pages`` prints them as JSON."""

from __future__ import annotations

import json
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import data

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
PAGES = ("player", "openings", "explorer", "coverage")


def page_seconds(page: str) -> float:
    """One visit of ``page`` as AppTest runs it: the script's wall time, queries included."""
    app = AppTest.from_file(str(APP), default_timeout=120)
    if page != "player":
        app.switch_page(f"views/{page}.py")
    started = time.perf_counter()
    app.run()
    seconds = time.perf_counter() - started
    if app.exception:
        raise SystemExit(f"the {page} page failed: {app.exception[0].value}")
    unbuilt = [info.value for info in app.info if "not built" in info.value or "Nothing loaded" in info.value]
    if unbuilt:
        raise SystemExit(f"the {page} page drew no figures: {unbuilt[0]}")
    return round(seconds, 3)


def main() -> None:
    for page in PAGES:  # imports and Streamlit's first-run costs, paid once by a running server
        page_seconds(page)
    seconds = {}
    for page in PAGES:
        st.cache_data.clear()
        data._last_read.clear()
        seconds[page] = {"cold": page_seconds(page), "warm": page_seconds(page)}
    print(json.dumps(seconds))


if __name__ == "__main__":
    main()
