"""The dashboard's entry point: ``streamlit run dashboard/app.py`` (`make dashboard`)."""

import streamlit as st

st.set_page_config(page_title="Chess analytics", page_icon="♟", layout="wide")
navigation = st.navigation(
    [
        st.Page("views/player.py", title="Player", default=True),
        st.Page("views/openings.py", title="Openings", url_path="openings"),
        st.Page("views/explorer.py", title="Opening explorer", url_path="explorer"),
        st.Page("views/coverage.py", title="Roster and coverage", url_path="coverage"),
    ]
)
navigation.run()
