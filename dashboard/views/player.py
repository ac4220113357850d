"""A player: rating history, results by colour and time class, openings, head-to-head, endings, the
clock, the phases where games are decided, and the score against stronger and weaker opponents."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.data import page, read
from dashboard.figures import blank_where_missing, score, with_score, with_stretches
from dashboard.warehouse import NotBuilt

# Wins green, draws grey, losses red: Streamlit's default palette would colour them by name order.
OUTCOME_COLOURS = {"wins": "#2e7d32", "draws": "#9e9e9e", "losses": "#c62828"}
PHASES = ["opening", "middlegame", "endgame"]


def chosen_player() -> str | None:
    """The player picked (``?player=`` in the address, so a page can be linked), else the first."""
    players = read(queries.PLAYERS)["player"].tolist()
    if not players:
        return None
    asked = st.query_params.get("player", "").lower()
    player = st.selectbox("Player", players, index=players.index(asked) if asked in players else 0)
    st.query_params["player"] = player
    return player


def summary(player: str) -> None:
    counts = read(queries.PLAYER_SUMMARY, player=player).fillna(0).iloc[0]
    games, wins, draws, losses = (int(counts[name]) for name in ("games", "wins", "draws", "losses"))
    columns = st.columns(4)
    columns[0].metric("Games", f"{games:,}")
    columns[1].metric("Score", f"{score(counts['points'], games):.1%}")
    columns[2].metric("Wins / draws / losses", f"{wins} / {draws} / {losses}")
    columns[3].metric("Months", int(counts["months"]))


def current_ratings(player: str) -> None:
    st.subheader("Ratings now (Chess.com stats)")
    try:
        ratings = read(queries.PLAYER_RATINGS, player=player)
    except NotBuilt:
        st.caption("The ratings model is not built yet: load chess/players_stats and build the mart.")
        return
    if ratings.empty:
        st.caption("Chess.com's stats for this player are not loaded.")
    else:
        st.dataframe(blank_where_missing(ratings), hide_index=True, width="stretch")


def rating_history(player: str) -> None:
    st.subheader("Rating history")
    history = read(queries.RATING_HISTORY, player=player)
    if history.empty:
        st.caption("No rated games: no rating to draw.")
        return
    rules = sorted(history["rules"].unique())
    default = rules.index("chess") if "chess" in rules else 0
    chosen = st.radio("Rules", rules, index=default, horizontal=True)
    latest = read(queries.LATEST_RATINGS, player=player)
    latest = latest[latest["rules"] == chosen]
    for column, (_, rating) in zip(st.columns(len(latest)), latest.iterrows(), strict=True):
        column.metric(f"{rating['time_class']} rating", int(rating["rating"]), help=f"on {rating['day']}")
    st.altair_chart(rating_chart(history[history["rules"] == chosen]), width="stretch")


def rating_chart(history: pd.DataFrame) -> alt.Chart:
    """A line per time class on a rating axis that starts near the ratings, not at zero
    (``st.line_chart`` always starts at zero, which flattens a 50-point swing into a line), broken
    where a month without games lies between two points (``stretch``)."""
    return (
        alt.Chart(with_stretches(history))
        .mark_line(point=True)
        .encode(
            x=alt.X("day:T", title=None),
            y=alt.Y("rating:Q", scale=alt.Scale(zero=False)),
            color=alt.Color("time_class:N", title="time class"),
            detail="stretch:N",
            tooltip=["day:T", "time_class:N", "rating:Q", "games:Q"],
        )
    )


def results(player: str) -> None:
    st.subheader("Results by month, colour and time class")
    by_month = read(queries.RESULTS_BY_MONTH, player=player)
    st.bar_chart(
        by_month, x="month", y=list(OUTCOME_COLOURS), color=list(OUTCOME_COLOURS.values()), stack=True
    )
    st.dataframe(with_score(by_month), hide_index=True, width="stretch")


def openings(player: str) -> None:
    st.subheader("Openings (ECO codes)")
    for colour, column in zip(("white", "black"), st.columns(2), strict=True):
        column.markdown(f"**As {colour}**")
        played = read(queries.PLAYER_OPENINGS, player=player, colour=colour)
        column.dataframe(with_score(played), hide_index=True, width="stretch")


def head_to_head(player: str) -> None:
    rivals = section_rows(
        "Head-to-head against the roster",
        queries.HEAD_TO_HEAD,
        player,
        "No games against other roster players in the loaded months.",
    )
    if rivals is not None:
        st.dataframe(with_score(rivals), hide_index=True, width="stretch")


def endings(player: str) -> None:
    st.subheader("How the games end")
    by_termination = read(queries.TERMINATIONS, player=player)
    outcome = alt.Color(
        "outcome:N",
        scale=alt.Scale(domain=["win", "draw", "loss"], range=list(OUTCOME_COLOURS.values())),
        sort=["win", "draw", "loss"],
    )
    chart = (
        alt.Chart(by_termination)
        .mark_bar()
        .encode(x=alt.X("sum(games):Q", title="games"), y=alt.Y("termination:N", sort="-x"), color=outcome)
    )
    st.altair_chart(chart, width="stretch")


def section_rows(title: str, sql: str, player: str, when_empty: str) -> pd.DataFrame | None:
    """A section's heading and the player's rows; a caption instead when the mart holds none."""
    st.subheader(title)
    rows = read(sql, player=player)
    if rows.empty:
        st.caption(when_empty)
        return None
    return rows


def clock(player: str) -> None:
    by_class = section_rows(
        "The clock (live games, standard chess)",
        queries.TIME_MANAGEMENT,
        player,
        "No live games with clocks whose moves were read.",
    )
    if by_class is None:
        return
    seconds = by_class.melt(id_vars="time_class", value_vars=PHASES, var_name="phase", value_name="seconds")
    chart = (
        alt.Chart(seconds.dropna())
        .mark_bar()
        .encode(
            x=alt.X("time_class:N", title="time class"),
            xOffset=alt.XOffset("phase:N", sort=PHASES),
            y=alt.Y("seconds:Q", title="seconds per move"),
            color=alt.Color("phase:N", sort=PHASES),
            tooltip=["time_class:N", "phase:N", alt.Tooltip("seconds:Q", format=".1f")],
        )
    )
    st.altair_chart(chart, width="stretch")
    trouble = by_class[
        [
            "time_class",
            "games",
            "time_trouble_games",
            "time_trouble_share",
            "time_trouble_score",
            "lost_on_time",
        ]
    ]
    st.dataframe(blank_where_missing(trouble.round(3)), hide_index=True, width="stretch")


def phases(player: str) -> None:
    by_phase = section_rows(
        "Where games are decided (the phase of the final position)",
        queries.PHASES,
        player,
        "No games whose moves were read.",
    )
    if by_phase is None:
        return
    results = by_phase.melt(id_vars="end_phase", value_vars=list(OUTCOME_COLOURS), var_name="result")
    chart = (
        alt.Chart(results)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title="games"),
            y=alt.Y("end_phase:N", sort=PHASES, title=None),
            color=alt.Color(
                "result:N",
                scale=alt.Scale(domain=list(OUTCOME_COLOURS), range=list(OUTCOME_COLOURS.values())),
            ),
        )
    )
    st.altair_chart(chart, width="stretch")


def rating_gap(player: str) -> None:
    by_gap = section_rows(
        "Score against stronger and weaker opponents (standard chess)",
        queries.RATING_GAP,
        player,
        "No rated games with both ratings.",
    )
    if by_gap is None:
        return
    scores = by_gap.melt(
        id_vars=["gap_bucket", "games"], value_vars=["score", "expected_score"], var_name="figure"
    )
    chart = (
        alt.Chart(scores)
        .mark_line(point=True)
        .encode(
            x=alt.X("gap_bucket:Q", title="opponent's rating minus the player's (buckets of 100)"),
            y=alt.Y("value:Q", title="score", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("figure:N", title=None),
            tooltip=["gap_bucket:Q", "games:Q", "figure:N", alt.Tooltip("value:Q", format=".3f")],
        )
    )
    st.altair_chart(chart, width="stretch")


with page("Player"):
    player = chosen_player()
    if player is None:
        st.info("No roster player has games in the mart yet: load a month and build the mart.")
    else:
        for section in (
            summary,
            current_ratings,
            rating_history,
            results,
            openings,
            head_to_head,
            endings,
            clock,
            phases,
            rating_gap,
        ):
            section(player)
