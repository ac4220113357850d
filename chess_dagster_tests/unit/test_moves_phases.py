"""Lichess's phase rule (scalachess ``Divider.scala``) as ported in ``chess_dagster.moves.phases``.

Each threshold is tested on a hand-built position that meets no other rule; the fast mixedness is
cross-checked against a literal transcription of the Scala loop, and the tracker against the Scala
``Divider.apply`` over whole positions lists.
"""

from __future__ import annotations

import random
from pathlib import Path

import chess
import chess.pgn
import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster.moves import phases
from chess_dagster.moves.phases import (
    PhaseTracker,
    back_rank_sparse,
    begins_endgame,
    begins_middlegame,
    majors_and_minors,
    mixedness,
)
from chess_dagster_tests.moves_truth import scala_divide, scala_mixedness

SAMPLES = PROJECT_ROOT / "fixture" / "bank" / "samples"
# Start positions with pieces removed: both back ranks keep at least 4 pieces, mixedness stays 0.
ELEVEN_PIECES = "r1bqkbnr/pppppppp/8/8/8/8/PPPPPPPP/R1BQKB1R w KQkq - 0 1"
TEN_PIECES = "r1bqkb1r/pppppppp/8/8/8/8/PPPPPPPP/R1BQKB1R w KQkq - 0 1"
# All 14 pieces, the minors and the queen developed to the third rank in front of the pawns.
WHITE_HOME_FOUR = "rnbqkbnr/pppppppp/8/8/8/2NBBN2/PPPPPPPP/R2QK2R w KQkq - 0 1"
WHITE_HOME_THREE = "rnbqkbnr/pppppppp/8/8/8/1QNBBN2/PPPPPPPP/R3K2R w KQkq - 0 1"
BLACK_HOME_THREE = "r3k2r/pppppppp/1qnbbn2/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1"
# All 14 pieces at home, pawns spread (found by a random search over pawn placements).
MIXEDNESS_150 = "rnbqkbnr/4ppPp/1P2P1p1/4Pp2/p7/4P2p/1P4P1/RNBQKBNR w - - 0 1"
MIXEDNESS_151 = "rnbqkbnr/5p1P/6Pp/7p/p1P1p1P1/P1p1p1P1/1p2P2P/RNBQKBNR w - - 0 1"
SEVEN_PIECES = "4kb2/pp1r1ppp/2n5/8/8/2N1B3/PP2RPPP/3QK3 w - - 0 1"
SIX_PIECES = "4kb2/pp1r1ppp/2n5/8/8/2N5/PP2RPPP/3QK3 w - - 0 1"


def _positions(pgn_path: Path) -> list[chess.Board]:
    game = chess.pgn.read_game(pgn_path.open())
    assert game is not None
    board = game.board()
    boards = [board.copy(stack=False)]
    for move in game.mainline_moves():
        board.push(move)
        boards.append(board.copy(stack=False))
    return boards


def _tracked(boards: list[chess.Board]) -> PhaseTracker:
    tracker = PhaseTracker()
    for position_number, board in enumerate(boards):
        tracker.see(board, position_number)
    return tracker


def test_eleven_majors_and_minors_do_not_begin_the_middlegame() -> None:
    board = chess.Board(ELEVEN_PIECES)
    assert (majors_and_minors(board), back_rank_sparse(board), mixedness(board)) == (11, False, 0)
    assert not begins_middlegame(board)


def test_ten_majors_and_minors_begin_the_middlegame() -> None:
    board = chess.Board(TEN_PIECES)
    assert (majors_and_minors(board), back_rank_sparse(board), mixedness(board)) == (10, False, 0)
    assert begins_middlegame(board)


def test_four_own_pieces_on_the_back_rank_are_not_sparse() -> None:
    board = chess.Board(WHITE_HOME_FOUR)
    assert majors_and_minors(board) == 14 and mixedness(board) <= 150
    assert not back_rank_sparse(board)
    assert not begins_middlegame(board)


def test_three_own_pieces_on_whites_back_rank_begin_the_middlegame() -> None:
    board = chess.Board(WHITE_HOME_THREE)
    assert majors_and_minors(board) == 14 and mixedness(board) <= 150
    assert back_rank_sparse(board)
    assert begins_middlegame(board)


def test_three_own_pieces_on_blacks_back_rank_begin_the_middlegame() -> None:
    board = chess.Board(BLACK_HOME_THREE)
    assert majors_and_minors(board) == 14 and mixedness(board) <= 150
    assert begins_middlegame(board)


def test_opponent_pieces_on_a_back_rank_do_not_count_as_its_own() -> None:
    # White has three at home plus a black rook beside them: still sparse.
    board = chess.Board("rnbqkbn1/pppppppp/1QNBBN2/8/8/8/PPPPPPPP/R3K1rR w - - 0 1")
    assert back_rank_sparse(board)


def test_mixedness_150_does_not_begin_the_middlegame() -> None:
    board = chess.Board(MIXEDNESS_150)
    assert (majors_and_minors(board), back_rank_sparse(board)) == (14, False)
    assert mixedness(board) == scala_mixedness(board) == 150
    assert not begins_middlegame(board)


def test_mixedness_151_begins_the_middlegame() -> None:
    board = chess.Board(MIXEDNESS_151)
    assert (majors_and_minors(board), back_rank_sparse(board)) == (14, False)
    assert mixedness(board) == scala_mixedness(board) == 151
    assert begins_middlegame(board)


def test_the_start_position_has_mixedness_zero() -> None:
    assert mixedness(chess.Board()) == scala_mixedness(chess.Board()) == 0


def test_mixedness_matches_the_literal_scala_loop_on_played_positions() -> None:
    moves_chooser = random.Random(20240101)
    board = chess.Board()
    for _ in range(120):
        legal = list(board.legal_moves)
        if not legal:
            board = chess.Board()
            continue
        board.push(moves_chooser.choice(legal))
        assert mixedness(board) == scala_mixedness(board), board.fen()


def test_seven_majors_and_minors_are_not_the_endgame() -> None:
    board = chess.Board(SEVEN_PIECES)
    assert majors_and_minors(board) == 7
    assert not begins_endgame(board)


def test_six_majors_and_minors_begin_the_endgame_after_a_middlegame() -> None:
    tracker = PhaseTracker()
    for position_number, fen in enumerate((chess.STARTING_FEN, SEVEN_PIECES, SIX_PIECES)):
        tracker.see(chess.Board(fen), position_number)
    assert (tracker.middlegame_ply, tracker.endgame_ply) == (1, 2)
    assert [tracker.phase_at(number) for number in range(3)] == ["opening", "middlegame", "endgame"]


def test_a_middlegame_beginning_with_the_endgame_is_dropped() -> None:
    tracker = PhaseTracker()
    for position_number, fen in enumerate((chess.STARTING_FEN, chess.STARTING_FEN, SIX_PIECES)):
        tracker.see(chess.Board(fen), position_number)
    assert (tracker.middlegame_ply, tracker.endgame_ply) == (None, 2)
    assert [tracker.phase_at(number) for number in range(3)] == ["opening", "opening", "endgame"]


def test_a_game_that_never_leaves_the_opening_has_no_middlegame_or_endgame() -> None:
    tracker = _tracked([chess.Board()] * 3)
    assert (tracker.middlegame_ply, tracker.endgame_ply, tracker.phase_at(2)) == (None, None, "opening")


def test_mixedness_is_not_computed_once_the_middlegame_began(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_mixedness = phases.mixedness

    def counted_mixedness(board: chess.Board) -> int:
        calls.append(board.fen())
        return real_mixedness(board)

    monkeypatch.setattr(phases, "mixedness", counted_mixedness)
    tracker = PhaseTracker()
    for position_number, fen in enumerate((chess.STARTING_FEN, MIXEDNESS_151, MIXEDNESS_150, SEVEN_PIECES)):
        tracker.see(chess.Board(fen), position_number)
    assert tracker.middlegame_ply == 1
    assert len(calls) == 2


@pytest.mark.parametrize("sample", sorted(path.name for path in SAMPLES.glob("*.pgn")))
def test_the_tracker_divides_sample_games_as_the_scala_divider(sample: str) -> None:
    boards = _positions(SAMPLES / sample)
    tracker = _tracked(boards)
    assert (tracker.middlegame_ply, tracker.endgame_ply) == scala_divide(boards)
