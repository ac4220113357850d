"""The dashboard's entry point: ``streamlit run dashboard/app.py`` (`make dashboard`)."""

import streamlit as st

st.set_page_config(page_title="Chess analytics", page_icon="♟", layout="wide")
navigation = st.navigation(
    [
        st.Page("pages/player.py", title="Player", url_path="player", default=True),
        st.Page("pages/openings.py", title="Openings", url_path="openings"),
        st.Page("pages/coverage.py", title="Roster and coverage", url_path="coverage"),
    ]
)
navigation.run()
