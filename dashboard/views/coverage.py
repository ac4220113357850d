"""The roster and coverage: who is loaded, which months, when each table last loaded, checks failing."""

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from chess_dagster.lib.settings import settings_now
from dashboard import queries
from dashboard.dagster_status import DagsterUnreachable, dagster_status
from dashboard.data import page, read


@st.cache_data(ttl=10, show_spinner=False)
def status_now(webserver_url: str):
    return dagster_status(webserver_url)


def when(seconds: float | None) -> str | None:
    if seconds is None or pd.isna(seconds):
        return None
    return datetime.fromtimestamp(float(seconds), UTC).strftime("%Y-%m-%d %H:%M UTC")


def dagster_now() -> None:
    """Runs in progress and checks failing now, and when each asset last materialized."""
    st.subheader("Dagster now")
    url = settings_now().dagster_webserver_url
    try:
        status = status_now(url)
    except DagsterUnreachable as error:
        st.info(f"Checks and runs unknown: {error}. Start the UI with `make dev` or `make demo`.")
        return
    if status.running:
        st.warning(", ".join(f"{run.job} ({run.status.lower()})" for run in status.running) + " running now")
    if status.failing_checks:
        st.error(f"{len(status.failing_checks)} check(s) failing now")
        st.dataframe(pd.DataFrame(status.failing_checks), hide_index=True, width="stretch")
    else:
        st.success("No check failing now")
    built = pd.DataFrame(
        [(asset, when(at)) for asset, at in sorted(status.last_materialized.items())],
        columns=["asset", "last materialized"],
    )
    st.dataframe(built, hide_index=True, width="stretch")


with page("Roster and coverage"):
    roster = read(queries.ROSTER)
    columns = st.columns(4)
    columns[0].metric("Players on the roster", int(roster["on_roster"].sum()))
    columns[1].metric("Players who left", int((~roster["on_roster"]).sum()))
    columns[2].metric("Player-months loaded", int(roster["months_loaded"].sum()))
    columns[3].metric("Games listed in their archives", f"{int(roster['games'].sum()):,}")
    st.dataframe(roster, hide_index=True, width="stretch")

    st.subheader("Last load of each table")
    loads = read(queries.LAST_LOADS)
    st.dataframe(loads[["table_name", "loaded_at"]], hide_index=True, width="stretch")

    dagster_now()
