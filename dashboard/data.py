"""What the pages read: the warehouse's figures, cached until a load or a build lands.

Streamlit's ``st.cache_data`` keeps each query's rows under the warehouse's version token, so a
load that lands invalidates them and a page with a warm cache asks the warehouse nothing. While a
writer holds the DuckDB file, the last rows read for the same query are shown, marked as such.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import psycopg2
import streamlit as st

from chess_dagster.lib.errors import ExplainedError
from dashboard.warehouse import NotBuilt, NoWarehouse, Warehouse, WarehouseBusy

LOAD_FIRST = (
    "Load games and build the mart first, e.g. for November 2024: "
    "`chess-load all 2024-11` then `dg launch --job chess_mart_job --partition 2024-11` "
    "(or `make demo`)."
)
Key = tuple[str, tuple[tuple[str, object], ...]]
# The rows each query last returned in this server process: shown while a writer holds the file.
_last_read: dict[Key, pd.DataFrame] = {}


@st.cache_resource
def warehouse() -> Warehouse:
    return Warehouse.configured()


@st.cache_data(show_spinner=False, max_entries=512)
def _read(version: str, sql: str, params: tuple[tuple[str, object], ...]) -> pd.DataFrame:
    return warehouse().read(sql, dict(params))


def read(sql: str, **params: object) -> pd.DataFrame:
    """The rows of ``sql``, from the cache while the warehouse has not changed."""
    key: Key = (sql, tuple(sorted(params.items())))
    try:
        frame = _read(warehouse().version(), *key)
    except WarehouseBusy:
        if key not in _last_read:
            raise
        st.session_state["showing_last_figures"] = True
        return _last_read[key]
    _last_read[key] = frame
    return frame


@contextmanager
def page(title: str) -> Iterator[None]:
    """A page's frame: its title, a note when it shows the figures from before a running load,
    and a message (never a traceback) when the warehouse cannot answer yet."""
    st.title(title)
    note = st.empty()
    st.session_state["showing_last_figures"] = False
    try:
        yield
    except NoWarehouse as error:
        st.info(f"Nothing loaded yet ({error}). {LOAD_FIRST}")
    except NotBuilt as error:
        st.info(f"The mart is not built yet ({error}). {LOAD_FIRST}")
    except WarehouseBusy:
        st.warning("A load or a mart build is writing the warehouse now: the figures appear when it ends.")
    except (ExplainedError, psycopg2.OperationalError) as error:
        st.error(f"The warehouse cannot be read: {str(error).strip().splitlines()[0]}")
    if st.session_state["showing_last_figures"]:
        note.warning(
            "A load or a mart build is writing the warehouse now: these are the figures from before it."
        )
