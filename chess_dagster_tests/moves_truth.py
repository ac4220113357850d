"""The truth about a fixture game's moves, from python-chess's own replay (``chess.pgn.read_game``)
and a literal transcription of scalachess ``Divider.scala``: never from the move reader under test."""

from __future__ import annotations

import io
import re
from typing import Any

import chess
import chess.pgn
import chess.variant

from chess_dagster_tests.loads import PLAYERS
from fixture import ChessUniverse, Month

# python-chess's [Variant] names for the rules Chess.com writes no header for.
VARIANT_HEADERS = {
    "threecheck": "Three-check",
    "kingofthehill": "King of the Hill",
    "crazyhouse": "Crazyhouse",
}
VALUES = {chess.PAWN: 1, chess.KNIGHT: 3, chess.BISHOP: 3, chess.ROOK: 5, chess.QUEEN: 9}
CLOCK = re.compile(r"\[%clk (\d+):(\d+):(\d+(?:\.\d+)?)\]")


def _majors_and_minors(board: chess.Board) -> int:
    return sum(len(board.pieces(kind, colour)) for kind in (2, 3, 4, 5) for colour in chess.COLORS)


def _scala_score(y: int, white: int, black: int) -> int:
    """``Divider.score``, transcribed match by match."""
    match white:
        case 0:
            match black:
                case 1:
                    return 1 + y
                case 2:
                    return 2 + (6 - y) if y < 6 else 0
                case 3:
                    return 3 + (7 - y) if y < 7 else 0
                case 4:
                    return 3 + (7 - y) if y < 7 else 0
                case _:
                    return 0
        case 1:
            match black:
                case 0:
                    return 1 + (8 - y)
                case 1:
                    return 5 + abs(4 - y)
                case 2:
                    return 4 + (7 - y)
                case 3:
                    return 5 + (7 - y)
                case _:
                    return 0
        case 2:
            match black:
                case 0:
                    return 2 + (y - 2) if y > 2 else 0
                case 1:
                    return 4 + (y - 1)
                case 2:
                    return 7
                case _:
                    return 0
        case 3:
            match black:
                case 0:
                    return 3 + (y - 1) if y > 1 else 0
                case 1:
                    return 5 + (y - 1)
                case _:
                    return 0
        case 4:
            match black:
                case 0:
                    return 3 + (y - 1) if y > 1 else 0
                case _:
                    return 0
        case _:
            return 0


def scala_mixedness(board: chess.Board) -> int:
    """``Divider.mixedness``: the while loop over ``mixednessRegions``, as written in Scala."""
    small_square = 0x0303
    regions = [small_square << (x + 8 * y) for y in range(7) for x in range(7)]
    white, black = board.occupied_co[chess.WHITE], board.occupied_co[chess.BLACK]
    acc = 0
    i = 0
    while i < len(regions):
        region = regions[i]
        y = i // 7 + 1
        acc += _scala_score(y, (white & region).bit_count(), (black & region).bit_count())
        i += 1
    return acc


def scala_divide(boards: list[chess.Board]) -> tuple[int | None, int | None]:
    """``Divider.apply``: (middle, end) over a game's positions, as the Scala collects them."""

    def mid(board: chess.Board) -> bool:
        home_white = (board.occupied_co[chess.WHITE] & chess.BB_RANK_1).bit_count()
        home_black = (board.occupied_co[chess.BLACK] & chess.BB_RANK_8).bit_count()
        sparse = home_white < 4 or home_black < 4
        return _majors_and_minors(board) <= 10 or sparse or scala_mixedness(board) > 150

    mid_game = next((index for index, board in enumerate(boards) if mid(board)), None)
    end_game = None
    if mid_game is not None:
        end_game = next((index for index, board in enumerate(boards) if _majors_and_minors(board) <= 6), None)
    kept_mid = mid_game if mid_game is not None and (end_game is None or mid_game < end_game) else None
    return kept_mid, end_game


def replayed(game: dict) -> chess.pgn.Game:
    """The game as python-chess reads it, on the board its ``rules`` name."""
    pgn = game["pgn"]
    header = VARIANT_HEADERS.get(game["rules"])
    if header and "[Variant " not in pgn:
        pgn = f'[Variant "{header}"]\n{pgn}'
    read = chess.pgn.read_game(io.StringIO(pgn))
    assert read is not None
    return read


def _clock(comment: str) -> float | None:
    found = CLOCK.search(comment)
    return None if found is None else int(found[1]) * 3600 + int(found[2]) * 60 + float(found[3])


def expected_moves(game: dict) -> list[dict[str, Any]]:
    """One dict per move python-chess reads: ply, uci, clock, seconds spent, material, phase."""
    read = replayed(game)
    board = read.board()
    boards: list[chess.Board] = []
    rows: list[dict[str, Any]] = []
    daily = "/" in game["time_control"]
    base, _, increment = ("0" if daily else game["time_control"]).partition("+")
    previous = {chess.WHITE: float(base), chess.BLACK: float(base)}
    for ply, node in enumerate(read.mainline(), start=1):
        boards.append(board.copy(stack=False))
        mover, uci = board.turn, board.uci(node.move)
        board.push(node.move)
        clock = None if daily else _clock(node.comment)
        spent = None if clock is None else round(previous[mover] + float(increment or 0) - clock, 1)
        if clock is not None:
            previous[mover] = clock
        material = sum(
            value * (len(board.pieces(kind, chess.WHITE)) - len(board.pieces(kind, chess.BLACK)))
            for kind, value in VALUES.items()
        )
        rows.append(
            {"ply": ply, "uci": uci, "clock_seconds": clock, "seconds_spent": spent, "material": material}
        )
    boards.append(board.copy(stack=False))
    if game["rules"] != "crazyhouse":
        middle, end = scala_divide(boards)
        for row in rows:
            position = row["ply"] - 1
            row["phase"] = (
                "endgame"
                if end is not None and position >= end
                else "middlegame"
                if middle is not None and position >= middle
                else "opening"
            )
    else:
        for row in rows:
            row["phase"] = None
    return rows


MOVE_COLUMNS = ("ply", "uci", "clock_seconds", "seconds_spent", "material", "phase")
MOVES_QUERY = f"select url, month, {', '.join(MOVE_COLUMNS)} from chess_moves.game_moves order by url, ply"


def served_games(universe: ChessUniverse, months: list[str]) -> dict[str, dict]:
    """The roster's games of ``months`` with move text, by url (with their month): what was served."""
    games = {}
    for username in universe.titled_usernames("GM")[:PLAYERS]:
        for month in months:
            for game in universe.games(username, Month.parse(month)) or []:
                if game.get("pgn"):
                    games[game["url"]] = {**game, "month": month}
    return games


def moves_by_game(rows: list[tuple]) -> dict[str, list[dict]]:
    """``MOVES_QUERY``'s rows as each game's moves, with the game's month in each."""
    found: dict[str, list[dict]] = {}
    for url, month, *values in rows:
        found.setdefault(url, []).append({"month": month, **dict(zip(MOVE_COLUMNS, values, strict=True))})
    return found


def expected_moves_by_game(universe: ChessUniverse, months: list[str]) -> dict[str, list[dict]]:
    return {
        url: [{"month": game["month"], **move} for move in moves]
        for url, game in served_games(universe, months).items()
        if (moves := expected_moves(game))
    }


FACT_COLUMNS = (
    "plies", "opening_line", "middlegame_ply", "endgame_ply", "end_phase", "white_clock_end",
    "black_clock_end", "queens_off_ply", "white_castled", "black_castled", "white_time_trouble_ply",
    "black_time_trouble_ply", "moves_read",
)  # fmt: skip
FACTS_QUERY = f"select url, {', '.join(FACT_COLUMNS)} from chess_moves.game_facts"


def _phase(position: int, middle: int | None, end: int | None) -> str:
    if end is not None and position >= end:
        return "endgame"
    return "middlegame" if middle is not None and position >= middle else "opening"


def expected_sans(game: dict) -> list[str]:
    """The game's moves in SAN, as python-chess writes them from its replay."""
    read = replayed(game)
    board = read.board()
    sans = []
    for node in read.mainline():
        sans.append(board.san(node.move))
        board.push(node.move)
    return sans


def first_mover(game: dict) -> str:
    """The side to move in the game's starting position (black in some set-up positions)."""
    return "white" if replayed(game).board().turn else "black"


def expected_facts(game: dict) -> dict[str, Any]:
    """A game's facts from python-chess's replay: the issue's definitions, worked out here."""
    read = replayed(game)
    board = read.board()
    boards: list[chess.Board] = []
    sans: list[str] = []
    castled: dict[str, str] = {}
    queens_off = None if board.queens else 0
    for node in read.mainline():
        boards.append(board.copy(stack=False))
        colour = "white" if board.turn else "black"
        if board.is_castling(node.move) and colour not in castled:
            castled[colour] = "O-O" if board.is_kingside_castling(node.move) else "O-O-O"
        sans.append(board.san(node.move))
        board.push(node.move)
        if queens_off is None and not board.queens:
            queens_off = len(sans)
    boards.append(board.copy(stack=False))
    moves = expected_moves(game)
    middle, end = scala_divide(boards) if game["rules"] != "crazyhouse" else (None, None)
    facts = {
        "plies": len(moves) or None,
        "opening_line": " ".join(sans[:8]) or None,
        "middlegame_ply": middle,
        "endgame_ply": end,
        "end_phase": _phase(len(moves), middle, end) if moves and game["rules"] != "crazyhouse" else None,
        "queens_off_ply": queens_off,
        "white_castled": castled.get("white"),
        "black_castled": castled.get("black"),
        "moves_read": "partly" if read.errors else "all" if moves else "none",
    }
    return facts | _clock_facts(game, moves, read.board().turn)


def _clock_facts(game: dict, moves: list[dict], first_turn: bool) -> dict[str, Any]:
    """Each side's clock after its last move and the first ply its clock fell under 10% of the base."""
    control = game["time_control"]
    base = None if "/" in control else float(control.partition("+")[0])
    facts: dict[str, Any] = {}
    for colour, parity in (("white", 0 if first_turn else 1), ("black", 1 if first_turn else 0)):
        own = [move for move in moves if (move["ply"] - 1) % 2 == parity]
        facts[f"{colour}_clock_end"] = own[-1]["clock_seconds"] if own else None
        trouble = [m["ply"] for m in own if base and (m["clock_seconds"] or base) < base / 10]
        facts[f"{colour}_time_trouble_ply"] = trouble[0] if trouble else None
    return facts


def expected_facts_by_game(universe: ChessUniverse, months: list[str]) -> dict[str, dict[str, Any]]:
    return {url: expected_facts(game) for url, game in served_games(universe, months).items()}
