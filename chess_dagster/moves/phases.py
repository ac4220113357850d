"""Opening, middlegame and endgame of a game: Lichess's rule, ported from scalachess ``Divider.scala``.

Positions are numbered by plies played (0 = the game's first position). The middlegame begins at the
first position with at most 10 majors and minors, a sparse back rank or a mixedness above 150; when
there is one, the endgame begins at the first position with at most 6 majors and minors. A middlegame
that does not begin strictly before the endgame is dropped (scalachess keeps the endgame then).

:class:`PhaseTracker` sees the positions one by one so a reader can divide a game while replaying it,
and stops computing the (costly) mixedness once the middlegame began.
"""

from __future__ import annotations

from typing import Final, Literal

import chess

Phase = Literal["opening", "middlegame", "endgame"]

MIDDLEGAME_MAJORS_AND_MINORS: Final = 10
ENDGAME_MAJORS_AND_MINORS: Final = 6
MIDDLEGAME_MIXEDNESS: Final = 150
SPARSE_BACK_RANK: Final = 4  # fewer own pieces than this on a side's own back rank is sparse

# scalachess's mixedness regions: the 49 two-by-two squares, ``0x0303 << (x + 8 * y)``, row by row.
MIXEDNESS_REGIONS: Final[tuple[int, ...]] = tuple(0x0303 << (x + 8 * y) for y in range(7) for x in range(7))


def region_score(y: int, white: int, black: int) -> int:
    """scalachess ``Divider.score``: how mixed a region of row ``y`` (1-7) with these piece counts is."""
    if white == 0:
        if black == 1:
            return 1 + y
        if black == 2:
            return 2 + (6 - y) if y < 6 else 0
        if black in (3, 4):
            return 3 + (7 - y) if y < 7 else 0
        return 0
    if white == 1:
        return {0: 1 + (8 - y), 1: 5 + abs(4 - y), 2: 4 + (7 - y), 3: 5 + (7 - y)}.get(black, 0)
    if white == 2:
        return {0: 2 + (y - 2) if y > 2 else 0, 1: 4 + (y - 1), 2: 7}.get(black, 0)
    if white == 3:
        return {0: 3 + (y - 1) if y > 1 else 0, 1: 5 + (y - 1)}.get(black, 0)
    if white == 4 and black == 0:
        return 3 + (y - 1) if y > 1 else 0  # a group of 4 on the home row scores 0
    return 0


# Mixedness summed by row: a row of 7 regions covers two ranks, so its score depends only on those
# 16 squares of each side; positions repeat rows a lot, so each row's score is computed once.
_ROW_SCORES: dict[int, int] = {}
_ROW_SCORES_LIMIT: Final = 1 << 16  # entries (~10 MB at most) before the memo starts over


def row_mixedness(row: int, white_ranks: int, black_ranks: int) -> int:
    """The mixedness of the 7 regions over ranks ``row`` and ``row + 1`` (0-based), from their 16 bits."""
    total = 0
    for x in range(7):
        region = 0x0303 << x
        total += region_score(row + 1, (white_ranks & region).bit_count(), (black_ranks & region).bit_count())
    return total


def majors_and_minors(board: chess.Board) -> int:
    """Queens, rooks, bishops and knights of both sides: the material that makes a game's phase."""
    return (board.occupied & ~(board.kings | board.pawns)).bit_count()


def back_rank_sparse(board: chess.Board) -> bool:
    """Whether a side has fewer than 4 of its own pieces on its own back rank: it has developed."""
    white_home = (board.occupied_co[chess.WHITE] & chess.BB_RANK_1).bit_count()
    black_home = (board.occupied_co[chess.BLACK] & chess.BB_RANK_8).bit_count()
    return white_home < SPARSE_BACK_RANK or black_home < SPARSE_BACK_RANK


def mixedness(board: chess.Board) -> int:
    """How far the two sides' pieces (pawns and kings included) have met, summed over 2x2 regions."""
    white, black = board.occupied_co[chess.WHITE], board.occupied_co[chess.BLACK]
    row_scores = _ROW_SCORES
    if len(row_scores) > _ROW_SCORES_LIMIT:
        row_scores.clear()
    total = 0
    for row in range(7):
        white_ranks = (white >> (8 * row)) & 0xFFFF
        black_ranks = (black >> (8 * row)) & 0xFFFF
        key = (row << 32) | (white_ranks << 16) | black_ranks
        score = row_scores.get(key)
        if score is None:
            score = row_scores[key] = row_mixedness(row, white_ranks, black_ranks)
        total += score
    return total


def begins_middlegame(board: chess.Board) -> bool:
    """scalachess's middlegame test; the cheap rules first so mixedness is computed only when needed."""
    return (
        majors_and_minors(board) <= MIDDLEGAME_MAJORS_AND_MINORS
        or back_rank_sparse(board)
        or mixedness(board) > MIDDLEGAME_MIXEDNESS
    )


def begins_endgame(board: chess.Board) -> bool:
    """scalachess's endgame test (asked only once the middlegame began)."""
    return majors_and_minors(board) <= ENDGAME_MAJORS_AND_MINORS


def phase_of(position_number: int, middlegame_ply: int | None, endgame_ply: int | None) -> Phase:
    """The phase of a position, given where the (kept) middlegame and the endgame begin."""
    if endgame_ply is not None and position_number >= endgame_ply:
        return "endgame"
    if middlegame_ply is not None and position_number >= middlegame_ply:
        return "middlegame"
    return "opening"


class PhaseTracker:
    """Sees a game's positions in order and finds where its middlegame and endgame begin."""

    __slots__ = ("_endgame", "_middlegame")

    def __init__(self) -> None:
        self._middlegame: int | None = None  # as first met, before scalachess's drop rule
        self._endgame: int | None = None

    @property
    def done(self) -> bool:
        """Whether later positions can change nothing: the endgame began."""
        return self._endgame is not None

    def see(self, board: chess.Board, position_number: int) -> None:
        """Take the next position into account; positions must come in order, each once."""
        if self._endgame is not None:
            return
        if self._middlegame is None:
            if not begins_middlegame(board):
                return
            self._middlegame = position_number
        if begins_endgame(board):
            self._endgame = position_number

    @property
    def middlegame_ply(self) -> int | None:
        """Where the middlegame begins, None if never or if it does not begin before the endgame."""
        if self._middlegame is not None and self._endgame is not None and self._middlegame >= self._endgame:
            return None
        return self._middlegame

    @property
    def endgame_ply(self) -> int | None:
        """Where the endgame begins, None if never."""
        return self._endgame

    def phase_at(self, position_number: int) -> Phase:
        """The phase of a seen position; final only once the whole game was seen (the drop rule)."""
        return phase_of(position_number, self.middlegame_ply, self.endgame_ply)
