"""The fixture's bank of whole games and the games it serves from it, checked against python-chess's
own replay of their move texts (the truth), not against the fixture's code."""

from __future__ import annotations

import functools
import io
import json
import re
from pathlib import Path

import chess
import chess.pgn
import chess.variant
import pytest

from fixture import ChessUniverse, Month

BANK = Path(__file__).parents[2] / "fixture" / "bank" / "games.json"
SAMPLES = Path(__file__).parents[2] / "fixture" / "bank" / "samples"
OPENINGS = {
    "B90": "1. e4 c5 2. Nf3 d6 3. d4 cxd4 4. Nxd4 Nf6 5. Nc3 a6",
    "C65": "1. e4 e5 2. Nf3 Nc6 3. Bb5 Nf6",
    "D37": "1. d4 d5 2. c4 e6 3. Nc3 Nf6 4. Nf3 Be7 5. Bf4",
    "E60": "1. d4 Nf6 2. c4 g6",
    "A04": "1. Nf3",
    "C42": "1. e4 e5 2. Nf3 Nf6",
    "B07": "1. e4 d6 2. d4 Nf6 3. Nc3 g6",
    "B12": "1. e4 c6 2. d4 d5 3. e5",
}
CLOCK = re.compile(r"\{\[%clk (\d+):(\d\d):(\d\d)(?:\.(\d))?\]\}")
UTC_2100 = 4102444800


def bank_games() -> list[dict]:
    return json.loads(BANK.read_text())["games"]


def variant_board(rules: str, fen: str) -> chess.Board:
    boards = {"threecheck": chess.variant.ThreeCheckBoard, "kingofthehill": chess.variant.KingOfTheHillBoard}
    if rules == "crazyhouse":
        return chess.variant.CrazyhouseBoard(fen)
    return boards.get(rules, chess.Board)(fen, chess960=rules == "chess960")


def replay_record(record: dict) -> tuple[chess.Board, int]:
    """The record's final board by python-chess (its SANs, with its rules), and the plies it read."""
    board = variant_board(record["rules"], record["setup"] or chess.STARTING_FEN)
    for ply, san in enumerate(record["san"]):
        try:
            board.push_san(san)
        except ValueError:
            return board, ply
    return board, len(record["san"])


@functools.cache  # each served game is read once for all the tests that look at it
def pgn_of(text: str) -> chess.pgn.Game:
    game = chess.pgn.read_game(io.StringIO(text))
    assert game is not None
    return game


def final_board(game: dict) -> chess.Board:
    """The served game's final board by python-chess: its PGN read (variant boards from the
    headers), three-check and king of the hill replayed on their variant boards."""
    read = pgn_of(game["pgn"])
    board = read.end().board()
    if game["rules"] in ("threecheck", "kingofthehill"):
        variant = variant_board(game["rules"], chess.STARTING_FEN)
        for move in read.mainline_moves():
            variant.push(move)
        return variant
    return board


def movetext(read: chess.pgn.Game, plies: int = 16) -> str:
    """The game's first moves in SAN, without comments (an opening is at most 10 plies)."""
    return read.board().variation_san(list(read.mainline_moves())[:plies])


@pytest.fixture(scope="module")
def served() -> list[dict]:
    universe = ChessUniverse(players_per_title=8, games_per_month=20, first_month=Month(2024, 1))
    games = {
        game["url"]: game
        for month in ("2024-10", "2024-11", "2025-01", "2025-02")
        for username in universe.players
        for game in universe.games(username, Month.parse(month), now=UTC_2100) or []
    }
    return [game for game in games.values() if "pgn" in game]


def test_every_sound_bank_game_replays_legally_with_python_chess() -> None:
    for record in bank_games():
        if "broken_at" in record:
            continue
        board, plies = replay_record(record)
        assert plies == len(record["san"]), record["id"]
        assert [m.uci() for m in board.move_stack] == record["uci"] or record["rules"] == "chess960"


def test_broken_bank_games_stop_python_chess_where_they_are_marked() -> None:
    broken = [record for record in bank_games() if "broken_at" in record]
    assert broken and all(record["rules"] == "chess" for record in broken)
    for record in broken:
        _, plies = replay_record(record)
        assert plies == record["broken_at"], record["id"]


def test_every_termination_kind_appears_in_the_bank() -> None:
    kinds = {record["termination"] for record in bank_games()}
    expected = {"checkmate", "stalemate", "repetition", "insufficient", "50move", "timevsinsufficient"}
    expected |= {"threecheck", "kingofthehill", "resigned", "timeout", "abandoned"}
    assert expected <= kinds


@pytest.mark.parametrize(
    ("termination", "holds"),
    [
        ("checkmate", lambda b: b.is_checkmate()),
        ("stalemate", lambda b: b.is_stalemate()),
        ("insufficient", lambda b: b.is_insufficient_material()),
        ("repetition", lambda b: b.is_repetition(3)),
        ("50move", lambda b: b.halfmove_clock >= 100 and b.can_claim_fifty_moves()),
        ("timevsinsufficient", lambda b: b.has_insufficient_material(not b.turn)),
        ("threecheck", lambda b: b.is_variant_loss()),
        ("kingofthehill", lambda b: b.is_variant_loss()),
    ],
)
def test_a_bank_games_final_position_supports_its_termination(termination: str, holds) -> None:
    records = [r for r in bank_games() if r["termination"] == termination and "broken_at" not in r]
    assert records
    for record in records:
        board, _ = replay_record(record)
        assert holds(board), record["id"]


def test_bank_checkmates_are_won_by_the_side_that_mated() -> None:
    for record in bank_games():
        if record["termination"] == "checkmate" and "broken_at" not in record:
            board, _ = replay_record(record)
            assert record["winner"] == ("black" if board.turn == chess.WHITE else "white"), record["id"]


def test_the_bank_has_chess960_castling_crazyhouse_drops_and_odds_set_ups() -> None:
    records = bank_games()
    assert any(r["rules"] == "chess960" and "O-O" in r["san"] for r in records)
    assert any(r["rules"] == "crazyhouse" and any("@" in san for san in r["san"]) for r in records)
    for record in (r for r in records if r["rules"] == "oddschess"):
        pieces = len(chess.Board(record["setup"]).piece_map())
        assert pieces == 31 or record["id"].startswith("sample-"), record["id"]


def test_the_bank_holds_the_twelve_real_samples() -> None:
    ids = {record["id"] for record in bank_games()}
    assert {f"sample-{path.stem}" for path in SAMPLES.glob("*.pgn")} <= ids
    assert len(list(SAMPLES.glob("*.pgn"))) == 12


def test_served_games_replay_legally_except_marked_broken_ones(served: list[dict]) -> None:
    broken = 0
    for game in served:
        read = pgn_of(game["pgn"])
        if read.errors:
            broken += 1
            assert game["rules"] == "chess", game["url"]
    assert broken < 0.02 * len(served)


def test_served_current_position_and_fen_equal_the_replays_final_board(served: list[dict]) -> None:
    for game in served:
        if pgn_of(game["pgn"]).errors:
            continue
        read = pgn_of(game["pgn"])
        board = read.end().board()  # a plain board for three-check and king of the hill
        fields = board.fen().split()
        fields[0] = board.board_fen()  # crazyhouse: the pocket is not shown
        fen, headers = " ".join(fields), read.headers
        shown = len(game["fen"].split())
        assert game["fen"] == " ".join(fen.split()[:shown]), game["url"]
        assert headers["CurrentPosition"] == game["fen"], game["url"]


def test_served_eco_codes_match_their_opening_moves(served: list[dict]) -> None:
    samples = {pgn_of(p.read_text()).headers.get("ECO"): p for p in SAMPLES.glob("*.pgn")}
    with_eco = [game for game in served if "[ECO " in game["pgn"]]
    assert {pgn_of(g["pgn"]).headers["ECO"] for g in with_eco} >= set(OPENINGS)
    for game in with_eco:
        read = pgn_of(game["pgn"])
        code = read.headers["ECO"]
        assert "SetUp" not in read.headers
        moves = movetext(read) if not read.errors else ""
        if code in OPENINGS:
            assert read.errors or moves.startswith(OPENINGS[code]), (game["url"], moves)
        else:  # a real sample's own code: its moves begin as the sample's
            sample = movetext(pgn_of(samples[code].read_text()))
            assert sample.startswith(moves[:40]), game["url"]


def test_a_checkmated_result_has_a_mating_final_board(served: list[dict]) -> None:
    mated = [g for g in served if "checkmated" in (g["white"]["result"], g["black"]["result"])]
    assert mated
    for game in mated:
        if pgn_of(game["pgn"]).errors:
            continue  # a broken move text: python-chess cannot read to its end
        board = final_board(game)
        loser = "white" if game["white"]["result"] == "checkmated" else "black"
        assert board.is_checkmate() and board.turn == (loser == "white"), game["url"]


def test_served_draws_by_the_board_hold_on_the_final_board(served: list[dict]) -> None:
    holds = {
        "stalemate": lambda b: b.is_stalemate(),
        "insufficient": lambda b: b.is_insufficient_material(),
        "repetition": lambda b: b.is_repetition(3),
        "50move": lambda b: b.can_claim_fifty_moves(),
    }
    for game in served:
        result = game["white"]["result"]
        if result in holds and not pgn_of(game["pgn"]).errors:
            assert holds[result](final_board(game)), game["url"]


def test_variant_wins_hold_on_the_variant_board(served: list[dict]) -> None:
    for game in served:
        codes = {game["white"]["result"], game["black"]["result"]}
        if codes & {"threecheck", "kingofthehill"}:
            assert final_board(game).is_variant_loss(), game["url"]


def test_clocks_include_the_increment_and_are_never_negative(served: list[dict]) -> None:
    increment_games = [g for g in served if g["time_control"] == "180+2"]
    assert increment_games
    for game in served:
        if game["time_class"] == "daily":
            continue
        base, _, plus = game["time_control"].partition("+")
        clocks = [
            (int(h) * 3600 + int(m) * 60 + int(s)) * 10 + int(t or 0)
            for h, m, s, t in CLOCK.findall(game["pgn"])
        ]
        assert all(clock > 0 for clock in clocks), game["url"]
        # A player's clock never exceeds what it started with plus the increments so far.
        for index, clock in enumerate(clocks):
            assert clock <= (int(base) + int(plus or 0) * (index // 2 + 1)) * 10, game["url"]
    # With an increment, some quick first moves leave more than the base time.
    assert any(CLOCK.search(g["pgn"]) and "0:03:01" in g["pgn"] for g in increment_games)


def test_clocks_show_tenths_only_when_not_zero(served: list[dict]) -> None:
    texts = " ".join(g["pgn"] for g in served)
    assert not re.search(r"%clk \d+:\d\d:\d\d\.0\]", texts)
    assert re.search(r"%clk \d+:\d\d:\d\d\]", texts) and re.search(r"%clk \d+:\d\d:\d\d\.[1-9]\]", texts)


def test_a_timeout_loser_ends_with_little_time(served: list[dict]) -> None:
    timeouts = [
        g
        for g in served
        if g["time_class"] != "daily" and "timeout" in (g["white"]["result"], g["black"]["result"])
    ]
    assert timeouts
    for game in timeouts:
        loser_white = game["white"]["result"] == "timeout"
        read = pgn_of(game["pgn"])
        nodes = list(read.mainline())
        loser_nodes = [n for n in nodes if n.turn() != loser_white]  # moves the loser made
        if loser_nodes and (clock := loser_nodes[-1].clock()) is not None:
            assert clock < 5, (game["url"], clock)
