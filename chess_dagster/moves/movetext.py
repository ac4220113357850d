"""The parts of a Chess.com PGN the move reader needs: the [FEN] header, the move tokens, the clocks,
the time control and the starting board.

Its own tokenizer rather than ``chess.pgn``: python-chess's reader builds a tree of nodes (or calls a
visitor per token) and picks the board from the [Variant] header, which Chess.com omits for odds
chess; the game's ``rules`` decide the board here.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

import chess
import chess.variant

# The tag-pair section: tag pairs and blank space from the start (a clock comment is never a tag pair).
_HEADERS: Final = re.compile(r'\s*(?:\[\s*\w+\s+"(?:[^"\\]|\\.)*"\s*\]\s*)*')
_FEN_HEADER: Final = re.compile(r'\[\s*FEN\s+"([^"]*)"\s*\]')

# Groups: 1-3 a clock comment's hours, minutes, seconds, 4 another comment's text, 5 '(', 6 ')',
# 7 result, 8 a move; line comments, NAGs, move numbers and annotation glyphs match no group: skipped.
# A comment holding only a clock (every Chess.com live move has one) is matched whole: no second search.
TOKENS: Final = re.compile(
    r"\{\s*\[%clk\s+(\d+):(\d+):(\d+(?:\.\d*)?)\]\s*\}|\{([^}]*)\}|(\()|(\))|;[^\n]*|\$\d+|\d+\.+"
    r"|(1-0|0-1|1/2-1/2|\*)|([^\s{}();$?!]+)[?!]*"
)
CLOCK: Final = 3
COMMENT: Final = 4
VARIATION_START: Final = 5
VARIATION_END: Final = 6
RESULT: Final = 7
MOVE: Final = 8

_CLOCK: Final = re.compile(r"\[%clk\s+(\d+):(\d+):(\d+(?:\.\d*)?)\]")

BOARDS_BY_RULES: Final[dict[str, type[chess.Board]]] = {
    "chess": chess.Board,
    "oddschess": chess.Board,
    "chess960": chess.Board,
    "crazyhouse": chess.variant.CrazyhouseBoard,
    "threecheck": chess.variant.ThreeCheckBoard,
    "kingofthehill": chess.variant.KingOfTheHillBoard,
}


class TimeControl(NamedTuple):
    """A live game's clock: base seconds and the increment added after each move."""

    base_seconds: float
    increment_seconds: float


def split_pgn(pgn: str) -> tuple[str | None, str]:
    """The [FEN] header's value (None without one) and the move text after the tag pairs."""
    headers_end = _HEADERS.match(pgn).end()  # type: ignore[union-attr]  # matches the empty string
    fen = _FEN_HEADER.search(pgn, 0, headers_end)
    return (fen.group(1) if fen else None), pgn[headers_end:]


def clock_seconds(comment: str) -> float | None:
    """The seconds of a comment's ``[%clk h:mm:ss(.s)]``, None without one."""
    clock = _CLOCK.search(comment)
    if clock is None:
        return None
    hours, minutes, seconds = clock.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def time_control(text: str) -> TimeControl | None:
    """A live time control (``"180"``, ``"180+2"``); None for daily (``"1/86400"``) or unreadable ones."""
    base, _, increment = text.partition("+")
    try:
        return TimeControl(float(base), float(increment or 0))
    except ValueError:
        return None


def starting_board(rules: str, fen_header: str | None, initial_setup: str) -> chess.Board:
    """The board the game starts from, by its rules; raises ValueError for unknown rules or a bad FEN."""
    board_type = BOARDS_BY_RULES.get(rules)
    if board_type is None:
        raise ValueError(f"unsupported rules {rules!r}")
    fen = fen_header or initial_setup.strip() or None
    if fen is None:
        return board_type(chess960=rules == "chess960")
    return board_type(fen, chess960=rules == "chess960")
