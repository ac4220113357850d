"""Opening explorer: the roster's standard games from the start position, move by move (the mart's
``opening_tree``): after the line so far, each move played next, in how many games, how they ended."""

import altair as alt
import chess
import chess.svg
import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.data import page, read

LINE = "explorer_line"  # the moves clicked so far, in SAN
RESULT_COLOURS = {"white_wins": "#eeeeee", "draws": "#9e9e9e", "black_wins": "#424242"}


def board_after(line: list[str]) -> chess.Board:
    board = chess.Board()
    for san in line:
        board.push_san(san)
    return board


def results_bar(moves: pd.DataFrame) -> alt.Chart:
    """Each next move's games as white wins, draws and black wins, as shares of its games."""
    shares = moves.melt(id_vars=["next_move", "games"], value_vars=list(RESULT_COLOURS), var_name="result")
    return (
        alt.Chart(shares)
        .mark_bar(stroke="#616161")
        .encode(
            x=alt.X("value:Q", stack="normalize", title="share of the games", axis=alt.Axis(format="%")),
            y=alt.Y("next_move:N", sort=moves["next_move"].tolist(), title="next move"),
            color=alt.Color(
                "result:N",
                scale=alt.Scale(domain=list(RESULT_COLOURS), range=list(RESULT_COLOURS.values())),
            ),
            tooltip=["next_move:N", "games:Q", "result:N", "value:Q"],
        )
    )


def step_buttons(moves: pd.DataFrame, line: list[str]) -> None:
    """A button per next move (the line goes one move deeper), and one back."""
    columns = st.columns(min(len(moves), 8) + 1)
    if columns[0].button("Back", disabled=not line):
        st.session_state[LINE] = line[:-1]
        st.rerun()
    for index, move in enumerate(moves["next_move"].head(8), start=1):
        if columns[index].button(move, key=f"next-{move}"):
            st.session_state[LINE] = [*line, move]
            st.rerun()


def explore(time_class: str, first_month: str, last_month: str) -> None:
    line: list[str] = st.session_state.setdefault(LINE, [])
    st.markdown(f"**Line:** {' '.join(line) or 'the start position'}")
    left, right = st.columns([1, 2])
    left.html(chess.svg.board(board_after(line), size=320))
    moves = read(
        queries.NEXT_MOVES,
        time_class=time_class,
        first_month=first_month,
        last_month=last_month,
        line=" ".join(line),
    )
    if moves.empty:
        right.caption("No roster game went on from this line in these months.")
    else:
        right.metric("Games", f"{int(moves['games'].sum()):,}")
        right.altair_chart(results_bar(moves), width="stretch")
        right.dataframe(moves, hide_index=True, width="stretch")
    step_buttons(moves, line)


with page("Opening explorer"):
    months = sorted(read(queries.MONTHS)["month"].tolist())
    time_classes = read(queries.TIME_CLASSES)["time_class"].tolist()
    if not months:
        st.info("No games in the mart yet: load a month and build the mart.")
    else:
        left, right = st.columns(2)
        default = time_classes.index("blitz") if "blitz" in time_classes else 0
        time_class = left.selectbox("Time class", time_classes, index=default)
        first, last = right.select_slider("Months", months, value=(months[0], months[-1]))
        explore(time_class, first, last)
