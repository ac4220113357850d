"""The move reader against python-chess's own PGN replay (``chess.pgn.read_game``'s main line) and
hand-worked values, on the real Chess.com PGNs in /work/shared/pgn-samples and small built games."""

from __future__ import annotations

import io
import re
import tempfile
from typing import Any

import chess
import chess.pgn
import chess.variant
import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster.moves import (
    FACT_COLUMNS,
    MOVE_COLUMNS,
    GameText,
    MonthRead,
    PhaseTracker,
    read_games,
    read_games_in_processes,
)
from chess_dagster_tests.conftest import SYSTEM_TMP

SAMPLES = PROJECT_ROOT / "fixture" / "bank" / "samples"
SAMPLE_NAMES = sorted(path.name for path in SAMPLES.glob("*.pgn"))
RULES_BY_VARIANT = {"Chess960": "chess960", "Crazyhouse": "crazyhouse"}
VALUES = {chess.PAWN: 1, chess.KNIGHT: 3, chess.BISHOP: 3, chess.ROOK: 5, chess.QUEEN: 9}
URL = "https://www.chess.com/game/live/1"


def _sample_text(name: str) -> GameText:
    """A sample as the API sends it: rules from the headers as Chess.com's ``rules`` field names them."""
    pgn = (SAMPLES / name).read_text()
    headers = dict(re.findall(r'\[(\w+) "([^"]*)"\]', pgn))
    rules = RULES_BY_VARIANT.get(headers.get("Variant", ""), "chess")
    if "Odds" in headers["Event"]:
        rules = "oddschess"
    return GameText(headers["Link"], pgn, rules, headers["TimeControl"], "")


def _python_chess_game(name: str) -> chess.pgn.Game:
    game = chess.pgn.read_game(io.StringIO((SAMPLES / name).read_text()))
    assert game is not None
    return game


def _built(
    movetext: str, time_control: str = "180", rules: str = "chess", fen: str | None = None
) -> GameText:
    headers = f'[Event "Live Chess"]\n[SetUp "1"]\n[FEN "{fen}"]\n' if fen else '[Event "Live Chess"]\n'
    return GameText(URL, f"{headers}\n{movetext}\n", rules, time_control, "")


def _rows(month: MonthRead) -> list[dict[str, Any]]:
    return [dict(zip(month.moves, values, strict=True)) for values in zip(*month.moves.values(), strict=True)]


def _facts(month: MonthRead) -> dict[str, Any]:
    (facts,) = (
        dict(zip(month.facts, values, strict=True)) for values in zip(*month.facts.values(), strict=True)
    )
    return facts


def _read_one(game: GameText) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    month = read_games([game])
    return _rows(month), _facts(month)


def _material(board: chess.Board) -> int:
    return sum(
        value * (len(board.pieces(piece_type, chess.WHITE)) - len(board.pieces(piece_type, chess.BLACK)))
        for piece_type, value in VALUES.items()
    )


@pytest.fixture(scope="module")
def samples_read() -> dict[str, tuple[list[dict[str, Any]], dict[str, Any]]]:
    return {name: _read_one(_sample_text(name)) for name in SAMPLE_NAMES}


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_plies_equal_python_chess_mainline_length(name: str, samples_read: dict) -> None:
    rows, facts = samples_read[name]
    expected = len(list(_python_chess_game(name).mainline_moves()))
    assert facts["plies"] == len(rows) == expected
    assert facts["moves_read"] == "all" and facts["moves_error"] is None


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_move_rows_replay_to_python_chess_final_board(name: str, samples_read: dict) -> None:
    rows, _ = samples_read[name]
    game = _python_chess_game(name)
    board = game.board()
    for row in rows:
        board.push_uci(row["uci"])
    assert board.fen() == game.end().board().fen()


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_check_mate_and_material_match_python_chess_after_each_move(name: str, samples_read: dict) -> None:
    rows, _ = samples_read[name]
    board = _python_chess_game(name).board()
    for row, move in zip(rows, _python_chess_game(name).mainline_moves(), strict=True):
        board.push(move)
        assert (row["check"], row["mate"], row["material"]) == (
            board.is_check(),
            board.is_checkmate(),
            _material(board),
        ), row


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_time_trouble_ply_is_the_first_clock_under_a_tenth_of_the_base(name: str, samples_read: dict) -> None:
    _, facts = samples_read[name]
    game = _python_chess_game(name)
    time_control = game.headers["TimeControl"]
    expected: dict[bool, int | None] = {chess.WHITE: None, chess.BLACK: None}
    if "/" not in time_control:
        limit = float(time_control.partition("+")[0]) / 10
        for node in game.mainline():
            mover = not node.board().turn
            clock = node.clock()
            if clock is not None and clock < limit and expected[mover] is None:
                expected[mover] = node.ply()
    assert (facts["white_time_trouble_ply"], facts["black_time_trouble_ply"]) == (
        expected[chess.WHITE],
        expected[chess.BLACK],
    )


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_queens_off_ply_is_the_first_position_without_a_queen(name: str, samples_read: dict) -> None:
    _, facts = samples_read[name]
    game = _python_chess_game(name)
    positions = [game.board(), *(node.board() for node in game.mainline())]
    expected = next((number for number, board in enumerate(positions) if not board.queens), None)
    assert facts["queens_off_ply"] == expected


@pytest.mark.parametrize("name", [name for name in SAMPLE_NAMES if name != "crazyhouse.pgn"])
def test_phase_of_each_move_is_the_phase_of_the_position_before_it(name: str, samples_read: dict) -> None:
    rows, facts = samples_read[name]
    game = _python_chess_game(name)
    positions = [game.board(), *(node.board() for node in game.mainline())]
    tracker = PhaseTracker()
    for number, board in enumerate(positions):
        tracker.see(board, number)
    assert [row["phase"] for row in rows] == [tracker.phase_at(number) for number in range(len(rows))]
    assert (facts["middlegame_ply"], facts["endgame_ply"]) == (tracker.middlegame_ply, tracker.endgame_ply)
    assert facts["end_phase"] == tracker.phase_at(len(rows))


def test_increment_clocks_give_the_seconds_spent_with_the_increment_added_back() -> None:
    rows, facts = _read_one(
        _built(
            "1. e4 {[%clk 0:03:00.1]} 1... e5 {[%clk 0:02:58]} "
            "2. Nf3 {[%clk 0:02:59]} 2... Nc6 {[%clk 0:02:59.5]}",
            time_control="180+2",
        )
    )
    assert [row["clock_seconds"] for row in rows] == [180.1, 178.0, 179.0, 179.5]
    assert [row["seconds_spent"] for row in rows] == [1.9, 4.0, 3.1, 0.5]
    assert (facts["white_clock_end"], facts["black_clock_end"]) == (179.0, 179.5)


def test_daily_games_have_no_clocks(samples_read: dict) -> None:
    rows, facts = samples_read["daily-with-clocks.pgn"]
    assert {(row["clock_seconds"], row["seconds_spent"]) for row in rows} == {(None, None)}
    assert (facts["white_clock_end"], facts["black_clock_end"]) == (None, None)


def test_games_without_clock_comments_have_no_clocks() -> None:
    rows, facts = _read_one(_built("1. e4 e5 2. Nf3 1-0", time_control="180"))
    assert {(row["clock_seconds"], row["seconds_spent"]) for row in rows} == {(None, None)}
    assert (facts["white_clock_end"], facts["white_time_trouble_ply"]) == (None, None)


def test_chess960_castling_uci_is_king_takes_rook(samples_read: dict) -> None:
    rows, facts = samples_read["chess960.pgn"]
    # qnrbbkrn: the king on f1 castles short with the rook on g1.
    assert (rows[8]["san"], rows[8]["uci"], rows[8]["castling"], rows[8]["piece"]) == (
        "O-O",
        "f1g1",
        "O-O",
        "K",
    )
    assert facts["white_castled"] == "O-O"


def test_crazyhouse_drop_row(samples_read: dict) -> None:
    rows, facts = samples_read["crazyhouse.pgn"]
    drop = rows[23]  # 12... N@e2+
    assert (drop["san"], drop["piece"], drop["capture"], drop["uci"], drop["phase"]) == (
        "N@e2+",
        "N",
        None,
        "N@e2",
        None,
    )
    assert (drop["colour"], drop["check"]) == ("black", True)
    assert (facts["middlegame_ply"], facts["endgame_ply"], facts["end_phase"]) == (None, None, None)


def test_en_passant_captures_a_pawn() -> None:
    rows, _ = _read_one(_built("1. e4 a6 2. e5 d5 3. exd6 *"))
    assert (rows[4]["uci"], rows[4]["piece"], rows[4]["capture"], rows[4]["material"]) == (
        "e5d6",
        "P",
        "P",
        1,
    )


def test_promotion_row() -> None:
    rows, _ = _read_one(_built("1. a8=Q+ *", fen="8/P6k/8/8/8/8/8/K7 w - - 0 1"))
    assert (rows[0]["uci"], rows[0]["promotion"], rows[0]["capture"], rows[0]["material"]) == (
        "a7a8q",
        "Q",
        None,
        9,
    )


def test_material_after_captures() -> None:
    rows, _ = _read_one(_built("1. e4 d5 2. exd5 Qxd5 3. Nc3 Qxa2 4. Rxa2 *"))
    assert [row["material"] for row in rows] == [0, 0, 1, 0, 0, -1, 8]
    assert [row["capture"] for row in rows] == [None, None, "P", "P", None, "P", "Q"]


def test_an_illegal_move_keeps_the_earlier_moves() -> None:
    month = read_games([_built("1. e4 e5 2. Ke3 Nc6 *")])
    rows, facts = _rows(month), _facts(month)
    assert [row["san"] for row in rows] == ["e4", "e5"]
    assert (facts["moves_read"], facts["plies"]) == ("partly", 2)
    assert facts["moves_error"] == "illegal san 'Ke3' at ply 3"
    assert (month.games_read_partly, dict(month.reasons)) == (1, {"illegal san": 1})


def test_an_unreadable_first_move_reads_none_with_a_reason() -> None:
    rows, facts = _read_one(_built("1. Qxz9 e5 *"))
    assert rows == []
    assert (facts["moves_read"], facts["plies"], facts["moves_error"]) == (
        "none",
        0,
        "invalid san 'Qxz9' at ply 1",
    )


@pytest.mark.parametrize(
    "game",
    [GameText(URL, "", "chess", "180"), GameText(URL, None, "bughouse", "180")],
    ids=["empty pgn", "bughouse"],
)
def test_games_without_move_text_give_no_rows(game: GameText) -> None:
    month = read_games([game])
    facts = _facts(month)
    assert month.moves["url"] == []
    assert (facts["moves_read"], facts["moves_error"], facts["plies"]) == ("none", None, None)
    assert month.games_without_moves == 1


def test_a_bad_set_up_fen_reads_none_with_a_reason() -> None:
    rows, facts = _read_one(GameText(URL, "1. e4 *", "chess", "180", "not a fen"))
    assert rows == []
    assert facts["moves_read"] == "none" and facts["moves_error"].startswith("bad setup")


def test_odds_chess_starts_from_the_fen_header(samples_read: dict) -> None:
    rows, facts = samples_read["oddschess.pgn"]
    assert (rows[0]["san"], rows[0]["uci"], rows[0]["capture"]) == ("Bxg7", "h6g7", "P")
    assert facts["moves_read"] == "all"


def test_initial_setup_is_used_without_a_fen_header_and_black_may_move_first() -> None:
    fen = "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1"
    rows, _ = _read_one(GameText(URL, "1... c5 2. Nf3 *", "chess", "180", fen))
    assert [(row["ply"], row["colour"], row["san"]) for row in rows] == [
        (1, "black", "c5"),
        (2, "white", "Nf3"),
    ]


def test_comments_nags_and_variations_are_skipped() -> None:
    rows, _ = _read_one(_built("1. e4 {a comment} 1... e5 $1 (1... c5 2. Nf3 (2. c3)) 2. Nf3!? Nc6 1-0"))
    assert [row["san"] for row in rows] == ["e4", "e5", "Nf3", "Nc6"]


def test_opening_line_is_the_first_eight_plies(samples_read: dict) -> None:
    _, facts = samples_read["insufficient-material.pgn"]
    assert facts["opening_line"] == "e4 c5 b3 Nc6 Bb2 d6 Bb5 Bd7"


def test_castling_facts_are_each_sides_first_castling(samples_read: dict) -> None:
    _, facts = samples_read["blitz-repetition.pgn"]
    assert (facts["white_castled"], facts["black_castled"]) == (None, "O-O-O")


def test_columns_come_in_declared_order() -> None:
    month = read_games([_sample_text("abandoned.pgn")])
    assert list(month.moves) == [name for name, _ in MOVE_COLUMNS]
    assert list(month.facts) == [name for name, _ in FACT_COLUMNS]


def test_a_month_counts_games_by_how_they_were_read() -> None:
    month = read_games([
        _sample_text("abandoned.pgn"),
        _built("1. e4 e5 2. Ke3 *"),
        GameText(URL, None, "bughouse", "180"),
    ])  # fmt: skip
    counts = (month.games_read_fully, month.games_read_partly, month.games_without_moves)
    assert counts == (1, 1, 1)
    assert dict(month.reasons) == {"illegal san": 1, "bughouse": 1}


def test_reading_in_processes_gives_the_same_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    # The forkserver's socket folder lasts the session: not in this test's TMPDIR, removed after it.
    monkeypatch.setattr(tempfile, "tempdir", SYSTEM_TMP)
    games = [_sample_text(name) for name in SAMPLE_NAMES]
    in_processes = read_games_in_processes(games, workers=2, games_per_task=4)
    assert in_processes == read_games(games)
