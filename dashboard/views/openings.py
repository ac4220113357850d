"""Openings: the most played ECO codes of a month in a time class, and how white scored."""

import streamlit as st

from dashboard import queries
from dashboard.data import page, read
from dashboard.figures import score, with_score


def top_openings(month: str, time_class: str) -> None:
    top = read(queries.TOP_OPENINGS, month=month, time_class=time_class)
    if top.empty:
        st.caption(f"No {time_class} games with an ECO code in {month}.")
        return
    played = int(top["games"].sum())
    columns = st.columns(3)
    columns[0].metric("Games in the top ECO codes", f"{played:,}")
    columns[1].metric("Most played", str(top["eco"].iloc[0]), help=str(top["opening"].iloc[0]))
    columns[2].metric("White's score over them", f"{score(top['white_points'].sum(), played):.1%}")
    st.bar_chart(top, x="eco", y="games", sort="-games")
    table = with_score(top, points="white_points").rename(columns={"score": "white_score"})
    st.dataframe(table, hide_index=True, width="stretch")


with page("Openings"):
    months = read(queries.MONTHS)["month"].tolist()
    time_classes = read(queries.TIME_CLASSES)["time_class"].tolist()
    if not months:
        st.info("No games in the mart yet: load a month and build the mart.")
    else:
        left, right = st.columns(2)
        month = left.selectbox("Month", months)
        default = time_classes.index("blitz") if "blitz" in time_classes else 0
        top_openings(month, right.selectbox("Time class", time_classes, index=default))
