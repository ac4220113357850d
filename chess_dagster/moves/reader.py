"""Read Chess.com games' move text into move rows and one row of facts per game, column by column.

A game is replayed once on a python-chess board chosen by its ``rules`` (never by a [Variant] header,
which odds chess lacks). Bad move text never raises: the moves before the first unreadable one are
kept and the game's facts say why the rest was not read. Columns are declared in :mod:`.columns`.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

import chess

from chess_dagster.moves.columns import FACT_COLUMN_NAMES, MOVE_COLUMN_NAMES
from chess_dagster.moves.movetext import (
    CLOCK,
    COMMENT,
    MOVE,
    RESULT,
    TOKENS,
    VARIATION_END,
    VARIATION_START,
    TimeControl,
    clock_seconds,
    split_pgn,
    starting_board,
    time_control,
)
from chess_dagster.moves.phases import PhaseTracker, phase_of

logger = logging.getLogger(__name__)

# Indexed by python-chess piece type (1 pawn .. 6 king); 0 stands for "none".
PIECE_LETTERS: Final[tuple[str | None, ...]] = (None, "P", "N", "B", "R", "Q", "K")
PIECE_VALUES: Final[tuple[int, ...]] = (0, 1, 3, 3, 5, 9, 0)
OPENING_LINE_PLIES: Final = 8
TIME_TROUBLE_SHARE: Final = 0.1  # a clock under this share of the base time is time trouble
GAMES_PER_WORKER_TASK: Final = 250


class GameText(NamedTuple):
    """What the reader needs of one archived game, as the Chess.com API sends it."""

    url: str
    pgn: str | None
    rules: str
    time_control: str
    initial_setup: str = ""


@dataclass
class MonthRead:
    """A batch of games read: move and fact columns (name -> values, in declared order) and counts."""

    moves: dict[str, list[Any]] = field(default_factory=lambda: {name: [] for name in MOVE_COLUMN_NAMES})
    facts: dict[str, list[Any]] = field(default_factory=lambda: {name: [] for name in FACT_COLUMN_NAMES})
    games_read_fully: int = 0
    games_read_partly: int = 0
    games_without_moves: int = 0
    # Games read partly or not at all, by the kind of reason ("illegal san", "bughouse", "no pgn", ...).
    reasons: Counter[str] = field(default_factory=Counter)

    def extend(self, other: MonthRead) -> None:
        """Append another batch's rows and counts (batches read in worker processes)."""
        for name, values in other.moves.items():
            self.moves[name].extend(values)
        for name, values in other.facts.items():
            self.facts[name].extend(values)
        self.games_read_fully += other.games_read_fully
        self.games_read_partly += other.games_read_partly
        self.games_without_moves += other.games_without_moves
        self.reasons.update(other.reasons)


class _Replay:
    """A game being replayed: its board and, per move read, the values of the move columns."""

    __slots__ = (
        "board", "clocks", "error", "error_kind", "first_turn", "material", "moves", "queens_off_ply",
        "tracker",
    )  # fmt: skip

    def __init__(self, board: chess.Board, track_phases: bool) -> None:
        self.board = board
        self.first_turn: bool = board.turn
        # Per move: san, uci, piece, capture, promotion, check, mate, castling, material.
        self.moves: list[tuple[Any, ...]] = []
        self.clocks: list[float | None] = []  # set by the clock comment after the move
        self.material = material_balance(board)
        self.tracker = PhaseTracker() if track_phases else None
        self.queens_off_ply: int | None = None if board.queens else 0
        self.error: str | None = None
        self.error_kind: str | None = None
        if self.tracker is not None:
            self.tracker.see(board, 0)


def material_balance(board: chess.Board) -> int:
    """White's material minus Black's on the board (P1 N3 B3 R5 Q9); crazyhouse pockets don't count."""
    white, black = board.occupied_co[chess.WHITE], board.occupied_co[chess.BLACK]
    balance = 0
    for piece_type in (chess.PAWN, chess.KNIGHT, chess.BISHOP, chess.ROOK, chess.QUEEN):
        pieces = board.pieces_mask(piece_type, chess.WHITE) | board.pieces_mask(piece_type, chess.BLACK)
        balance += PIECE_VALUES[piece_type] * ((pieces & white).bit_count() - (pieces & black).bit_count())
    return balance


def _captured_type(board: chess.Board, move: chess.Move, piece_type: int) -> int:
    """The type of the piece a move takes (en passant takes a pawn), 0 if none; before the move."""
    if board.occupied_co[not board.turn] & chess.BB_SQUARES[move.to_square]:
        return board.piece_type_at(move.to_square) or 0
    # A pawn changing file onto an empty square takes en passant.
    if piece_type == chess.PAWN and not move.drop and (move.from_square ^ move.to_square) & 7:
        return chess.PAWN
    return 0


def _error_kind(error: ValueError) -> str:
    """The kind of reason python-chess refused a SAN token."""
    if isinstance(error, chess.AmbiguousMoveError):
        return "ambiguous san"
    if isinstance(error, chess.IllegalMoveError):
        return "illegal san"
    return "invalid san"


def _play(replay: _Replay, san: str) -> str | None:
    """Play one SAN token and record its move columns; the kind of reason if it could not be played."""
    board = replay.board
    try:
        move = board.parse_san(san)
    except ValueError as error:
        return _error_kind(error)
    if not move:
        return "null move"
    piece_type = move.drop or board.piece_type_at(move.from_square) or 0
    captured = _captured_type(board, move, piece_type)
    castling = None
    if piece_type == chess.KING and board.is_castling(move):
        castling = "O-O" if board.is_kingside_castling(move) else "O-O-O"
    uci = board.uci(move) if castling else move.uci()  # board.uci: chess960 castling is king-takes-rook
    gained = PIECE_VALUES[captured] + PIECE_VALUES[move.drop or 0]
    if move.promotion:
        gained += PIECE_VALUES[move.promotion] - 1
    replay.material += gained if board.turn else -gained
    board.push(move)
    check = board.is_check()
    mate = check and board.is_checkmate()  # only a check can be a mate: skip the move search
    replay.moves.append((
        san, uci, PIECE_LETTERS[piece_type], PIECE_LETTERS[captured], PIECE_LETTERS[move.promotion or 0],
        check, mate, castling, replay.material,
    ))  # fmt: skip
    replay.clocks.append(None)
    position_number = len(replay.clocks)
    tracker = replay.tracker
    if tracker is not None and not tracker.done:
        tracker.see(board, position_number)
    if replay.queens_off_ply is None and not board.queens:
        replay.queens_off_ply = position_number
    return None


def _replay_movetext(replay: _Replay, movetext: str) -> None:
    """Play the main line's moves, attach each ``[%clk]`` to its move, stop at the first bad move."""
    depth = 0  # of nested variations, which are skipped
    for token in TOKENS.finditer(movetext):
        kind = token.lastindex
        if depth:
            depth += (kind == VARIATION_START) - (kind == VARIATION_END)
        elif kind == MOVE:
            san = token.group(MOVE)
            error_kind = _play(replay, san)
            if error_kind is not None:
                replay.error_kind = error_kind
                replay.error = f"{error_kind} {san!r} at ply {len(replay.clocks) + 1}"
                return
        elif kind == CLOCK and replay.clocks:
            hours, minutes, seconds = token.group(1, 2, 3)
            replay.clocks[-1] = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
        elif kind == COMMENT and replay.clocks:
            clock = clock_seconds(token.group(COMMENT))
            if clock is not None:
                replay.clocks[-1] = clock
        elif kind == VARIATION_START:
            depth = 1
        elif kind == RESULT:
            return


class _Clocks(NamedTuple):
    """The clock columns of a game's moves and the clock facts drawn from them."""

    clocks: list[float | None]
    spent: list[float | None]
    time_trouble_ply: dict[bool, int | None]  # by colour (chess.WHITE/BLACK)


def _side_spent(side_clocks: list[float | None], base: float, increment: float) -> list[float | None]:
    """Seconds one side spent per move: its clock before (the base for its first move) + increment - after.

    Chess.com's clock already holds the increment, hence adding it back; rounded to drop float noise.
    """
    befores = [base, *side_clocks][: len(side_clocks)]
    return [
        None if after is None or before is None else round(before + increment - after, 1)
        for before, after in zip(befores, side_clocks, strict=True)
    ]


def _side_trouble_ply(side_clocks: list[float | None], limit: float, first_ply: int) -> int | None:
    """The ply of a side's first move that left its clock under ``limit``, None if none did."""
    index = next((i for i, clock in enumerate(side_clocks) if clock is not None and clock < limit), None)
    return None if index is None else first_ply + 2 * index


def _clock_columns(replay: _Replay, control: TimeControl | None, daily: bool) -> _Clocks:
    """Clock left and seconds spent per move, and where each side first fell under 10 % of the base."""
    plies = len(replay.clocks)
    trouble: dict[bool, int | None] = {chess.WHITE: None, chess.BLACK: None}
    if daily:  # a daily game's clk is that move's own allowance, not a game clock
        return _Clocks([None] * plies, [None] * plies, trouble)
    if control is None:
        return _Clocks(replay.clocks, [None] * plies, trouble)
    spent: list[float | None] = [None] * plies
    limit = TIME_TROUBLE_SHARE * control.base_seconds
    for first_ply, side in ((1, replay.first_turn), (2, not replay.first_turn)):
        side_clocks = replay.clocks[first_ply - 1 :: 2]
        spent[first_ply - 1 :: 2] = _side_spent(side_clocks, *control)
        trouble[side] = _side_trouble_ply(side_clocks, limit, first_ply)
    return _Clocks(replay.clocks, spent, trouble)


def _phase_column(plies: int, middlegame_ply: int | None, endgame_ply: int | None) -> list[str]:
    """The phase of the position before each move (positions 0 .. plies - 1)."""
    endgame_start = min(plies, plies if endgame_ply is None else endgame_ply)
    middlegame_start = min(endgame_start, endgame_start if middlegame_ply is None else middlegame_ply)
    return (
        ["opening"] * middlegame_start
        + ["middlegame"] * (endgame_start - middlegame_start)
        + ["endgame"] * (plies - endgame_start)
    )


def _colours(first_turn: bool, plies: int) -> list[str]:
    """Who moved at each ply, starting with the side to move in the first position."""
    pair = ["white", "black"] if first_turn else ["black", "white"]
    return (pair * (plies // 2 + 1))[:plies]


def _first_castling(castlings: Sequence[str | None], colours: list[str], colour: str) -> str | None:
    """The castling a side made first, if it castled."""
    return next((c for c, mover in zip(castlings, colours, strict=True) if c and mover == colour), None)


def _last_clock(clocks: list[float | None], colours: list[str], colour: str) -> float | None:
    """A side's clock after its last move (None if that move has no clock)."""
    for clock, mover in zip(reversed(clocks[-2:]), reversed(colours[-2:]), strict=True):
        if mover == colour:
            return clock
    return None


def _add_moves(month: MonthRead, game: GameText, replay: _Replay) -> None:
    """Append a replayed game's move rows and its facts to the month."""
    plies = len(replay.clocks)
    tracker = replay.tracker
    middlegame = tracker.middlegame_ply if tracker else None
    endgame = tracker.endgame_ply if tracker else None
    phases: Sequence[str | None] = [None] * plies  # crazyhouse: drops make Lichess's rule meaningless
    if tracker is not None:
        phases = _phase_column(plies, middlegame, endgame)
    clocks = _clock_columns(replay, time_control(game.time_control), "/" in game.time_control)
    colours = _colours(replay.first_turn, plies)
    sans, ucis, pieces, captures, promotions, checks, mates, castlings, materials = (
        zip(*replay.moves, strict=True) if plies else [()] * 9
    )
    # typed: the join mypy infers for these mixed columns depends on its hash seed (object at times)
    move_columns: tuple[Iterable[Any], ...] = (
        [game.url] * plies, range(1, plies + 1), colours, sans, ucis, pieces, captures, promotions, checks,
        mates, castlings, clocks.clocks, clocks.spent, materials, phases,
    )  # fmt: skip
    for column, values in zip(month.moves.values(), move_columns, strict=True):
        column.extend(values)
    read = "none" if not plies else "partly" if replay.error else "all"
    _add_facts(month, (
        game.url, plies, " ".join(sans[:OPENING_LINE_PLIES]) or None, middlegame, endgame,
        phase_of(plies, middlegame, endgame) if tracker and plies else None,
        _last_clock(clocks.clocks, colours, "white"), _last_clock(clocks.clocks, colours, "black"),
        replay.queens_off_ply, _first_castling(castlings, colours, "white"),
        _first_castling(castlings, colours, "black"), clocks.time_trouble_ply[chess.WHITE],
        clocks.time_trouble_ply[chess.BLACK], read, replay.error,
    ), replay.error_kind)  # fmt: skip


def _add_facts(month: MonthRead, facts: tuple[Any, ...], reason_kind: str | None) -> None:
    """Append one game's facts and count how it was read."""
    for column, value in zip(month.facts.values(), facts, strict=True):
        column.append(value)
    moves_read = facts[FACT_COLUMN_NAMES.index("moves_read")]
    if moves_read == "all":
        month.games_read_fully += 1
    elif moves_read == "partly":
        month.games_read_partly += 1
    else:
        month.games_without_moves += 1
    if reason_kind is not None:
        month.reasons[reason_kind] += 1


def _add_without_moves(month: MonthRead, url: str, reason_kind: str, error: str | None = None) -> None:
    """Append the facts of a game none of whose moves could be read (bughouse, no move text, bad setup)."""
    if error is not None:
        logger.debug("%s: moves not read: %s", url, error)
    facts = (url, None if error is None else 0, *[None] * 11, "none", error)
    _add_facts(month, facts, reason_kind)


def read_game(month: MonthRead, game: GameText) -> None:
    """Read one game into the month's columns; never raises for bad move text or a bad setup."""
    if game.rules == "bughouse":  # Chess.com sends no PGN for it: two boards, one game
        _add_without_moves(month, game.url, "bughouse")
        return
    if not game.pgn:
        _add_without_moves(month, game.url, "no pgn")
        return
    fen_header, movetext = split_pgn(game.pgn)
    try:
        board = starting_board(game.rules, fen_header, game.initial_setup)
    except ValueError as error:
        _add_without_moves(month, game.url, "bad setup", f"bad setup: {error}".splitlines()[0])
        return
    replay = _Replay(board, track_phases=game.rules != "crazyhouse")
    _replay_movetext(replay, movetext)
    if not replay.clocks and replay.error is None:
        _add_without_moves(month, game.url, "no move text")
        return
    if replay.error is not None:
        logger.debug("%s: moves read up to ply %d: %s", game.url, len(replay.clocks), replay.error)
    _add_moves(month, game, replay)


def read_games(games: Iterable[GameText]) -> MonthRead:
    """Read a batch of games (a month) into move and fact columns, in the games' order."""
    month = MonthRead()
    for game in games:
        read_game(month, game)
    return month


def read_games_in_processes(
    games: Iterable[GameText], workers: int = 2, games_per_task: int = GAMES_PER_WORKER_TASK
) -> MonthRead:
    """:func:`read_games` spread over worker processes, same result; in-process when the batch is small.

    Workers come from a 'forkserver' context: the caller may be multithreaded, and forking a
    multithreaded process can copy a lock held by another thread.
    """
    batch = list(games)
    if workers <= 1 or len(batch) <= games_per_task:
        return read_games(batch)
    tasks = [batch[start : start + games_per_task] for start in range(0, len(batch), games_per_task)]
    month = MonthRead()
    context = multiprocessing.get_context("forkserver")
    # The server preloads this module only: by default it imports the caller's __main__ (in a Dagster
    # step, Dagster's CLI), which every worker would then carry.
    context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for part in pool.map(read_games, tasks):
            month.extend(part)
    return month
