"""The fixture's data files and shapes games as Chess.com does (shared/CHESS_API.md): Pacific
months, full PGNs, variants, set-up positions, and no null anywhere."""

from __future__ import annotations

import calendar
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import chess.pgn
import pytest

from fixture import ChessUniverse, Month

PACIFIC = ZoneInfo("America/Los_Angeles")
# Months on both sides of the DST switches (March, November), in PST and in PDT, and 2025's.
MONTHS = ("2023-03", "2024-02", "2024-03", "2024-07", "2024-10", "2024-11", "2024-12", "2025-01")
HEADERS = (
    *("Event", "Site", "Date", "Round", "White", "Black", "Result", "Variant", "SetUp", "FEN", "Tournament"),
    *("CurrentPosition", "Timezone", "ECO", "ECOUrl", "UTCDate", "UTCTime", "WhiteElo", "BlackElo"),
    *("TimeControl", "Termination", "StartTime", "EndDate", "EndTime", "Link"),
)
TERMINATION = re.compile(
    r"(?P<winner>\S+) won (by resignation|by checkmate|on time|- game abandoned|by three-check|"
    r"by king of the hill)|Game drawn by (agreement|repetition|insufficient material|stalemate|"
    r"50-move rule|timeout vs insufficient material)"
)
MOVE = re.compile(r"(\d+)(\.|\.\.\.) (\S+) \{\[%clk (\d+:\d\d:\d\d(\.\d)?)\]\}")


def utc(*when: int) -> int:
    return calendar.timegm((*when, *([0] * (6 - len(when)))))


@pytest.fixture(scope="module")
def universe() -> ChessUniverse:
    return ChessUniverse(players_per_title=6, games_per_month=12, first_month=Month(2021, 6))


def month_games(universe: ChessUniverse, month: str) -> list[dict]:
    """Every game of ``month``, each once, as its players' archives serve them."""
    games = {
        game["url"]: game
        for username in universe.players
        for game in universe.games(username, Month.parse(month), now=utc(2100, 1)) or []
    }
    return list(games.values())


def games_of(universe: ChessUniverse, months: tuple[str, ...] = MONTHS) -> list[dict]:
    return [game for month in months for game in month_games(universe, month)]


def headers(pgn: str) -> dict[str, str]:
    return dict(re.findall(r'^\[(\w+) "([^"]*)"\]$', pgn, re.MULTILINE))


def test_a_months_bounds_are_pacific_midnights_across_the_dst_switches() -> None:
    assert Month(2024, 3).bounds() == (utc(2024, 3, 1, 8), utc(2024, 4, 1, 7))  # PST, then PDT
    assert Month(2024, 11).bounds() == (utc(2024, 11, 1, 7), utc(2024, 12, 1, 8))  # PDT, then PST
    assert Month(2024, 12).bounds() == (utc(2024, 12, 1, 8), utc(2025, 1, 1, 8))


def test_the_current_month_is_the_pacific_month_of_now() -> None:
    assert ChessUniverse.current_month(utc(2024, 12, 1, 7, 59, 59)) == Month(2024, 11)
    assert ChessUniverse.current_month(utc(2024, 12, 1, 8)) == Month(2024, 12)
    assert ChessUniverse.current_month(utc(2024, 4, 1, 6, 59, 59)) == Month(2024, 3)


def test_no_game_lies_outside_its_pacific_month(universe: ChessUniverse) -> None:
    for month in MONTHS:
        start, end = Month.parse(month).bounds()
        for game in month_games(universe, month):
            local = datetime.fromtimestamp(game["end_time"], PACIFIC).strftime("%Y-%m")
            assert start <= game["end_time"] < end and local == month, game["url"]


@pytest.mark.parametrize("month", MONTHS)
def test_every_players_month_holds_a_game_ending_after_utc_midnight_of_the_next_first(
    universe: ChessUniverse, month: str
) -> None:
    utc_end, pacific_end = Month.parse(month).late_window()
    assert pacific_end - utc_end == 3600 * (7 if month[5:] in ("03", "07", "10") else 8)
    for username in universe.players:
        games = universe.games(username, Month.parse(month), now=utc(2100, 1)) or []
        late = universe.late_games(username, month, now=utc(2100, 1))
        assert not games or late, username
        assert all(utc_end < game["end_time"] < pacific_end for game in late)


def test_games_ascend_by_end_time_and_urls_are_unique(universe: ChessUniverse) -> None:
    urls = [game["url"] for game in games_of(universe)]
    assert len(urls) == len(set(urls))
    for username in universe.titled_usernames("GM"):
        games = universe.games(username, Month(2024, 11)) or []
        assert [g["end_time"] for g in games] == sorted(g["end_time"] for g in games)


def test_a_game_between_two_listed_players_is_in_both_archives_under_one_url(
    universe: ChessUniverse,
) -> None:
    shared = [
        game
        for game in month_games(universe, "2024-11")
        if all(game[side]["username"].lower() in universe.players for side in ("white", "black"))
    ]
    assert shared
    for game in shared:
        for side in ("white", "black"):
            archive = universe.games(game[side]["username"], Month(2024, 11)) or []
            assert game["url"] in {g["url"] for g in archive}


def test_pgn_headers_come_in_chess_coms_order_and_match_the_game(universe: ChessUniverse) -> None:
    for game in (g for g in games_of(universe) if "pgn" in g):
        tags = headers(game["pgn"])
        assert list(tags) == [name for name in HEADERS if name in tags]
        assert tags["Link"] == game["url"] and tags["Timezone"] == "UTC"
        assert tags["White"] == game["white"]["username"] and tags["BlackElo"] == str(game["black"]["rating"])
        ended = datetime.fromtimestamp(game["end_time"], ZoneInfo("UTC"))
        assert (tags["EndDate"], tags["EndTime"]) == (f"{ended:%Y.%m.%d}", f"{ended:%H:%M:%S}")
        assert tags["Date"] == tags["UTCDate"] and tags["StartTime"] == tags["UTCTime"]
        assert f"{tags['UTCDate']} {tags['UTCTime']}" <= f"{tags['EndDate']} {tags['EndTime']}"


def test_every_live_move_carries_a_clock_comment_and_the_pgn_ends_with_the_result(
    universe: ChessUniverse,
) -> None:
    for game in (g for g in games_of(universe, ("2024-11",)) if "pgn" in g):
        movetext = game["pgn"].split("\n\n", 1)[1].strip()
        read = chess.pgn.read_game(io.StringIO(game["pgn"]))
        assert read is not None
        plies = len(MOVE.findall(movetext)) if read.errors else len(list(read.mainline_moves()))
        assert len(game["tcn"]) == 2 * plies
        if game["time_class"] != "daily":
            assert MOVE.sub("", movetext).strip() == headers(game["pgn"])["Result"]


def test_some_daily_games_carry_no_clock(universe: ChessUniverse) -> None:
    daily = [g for g in games_of(universe, ("2024-11",)) if g["time_class"] == "daily" and g.get("tcn")]
    assert any("%clk" not in g["pgn"] for g in daily) and any("%clk" in g["pgn"] for g in daily)


def test_some_games_have_no_move_at_all(universe: ChessUniverse) -> None:
    empty = [
        g
        for g in games_of(universe)
        if "pgn" in g and g["pgn"].split("\n\n", 1)[1].strip() == headers(g["pgn"])["Result"]
    ]
    assert empty and all(g.get("tcn", "") == "" for g in empty)
    assert {result for g in empty for result in (g["white"]["result"], g["black"]["result"])} == {
        "win",
        "abandoned",
    }


def test_the_termination_header_names_the_winner_and_how_the_loser_lost(universe: ChessUniverse) -> None:
    how = {"resigned": "resignation", "checkmated": "checkmate", "timeout": "on time"}
    how |= {"abandoned": "abandoned", "threecheck": "three-check", "kingofthehill": "king of the hill"}
    for game in (g for g in games_of(universe) if "pgn" in g):
        sentence = headers(game["pgn"])["Termination"]
        match = TERMINATION.fullmatch(sentence)
        assert match, sentence
        white, black = game["white"], game["black"]
        if white["result"] == black["result"]:
            assert sentence.startswith("Game drawn")
        else:
            winner, loser = (white, black) if white["result"] == "win" else (black, white)
            assert match["winner"] == winner["username"] and how[loser["result"]] in sentence


def test_rules_are_mostly_chess_with_a_few_of_each_variant(universe: ChessUniverse) -> None:
    rules = [game["rules"] for game in games_of(universe)]
    variants = {"chess960", "oddschess", "threecheck", "kingofthehill", "crazyhouse", "bughouse"}
    assert set(rules) == {"chess"} | variants
    assert rules.count("chess") > 0.7 * len(rules)


def test_variants_lose_their_own_ways(universe: ChessUniverse) -> None:
    results = {(g["rules"], g[side]["result"]) for g in games_of(universe) for side in ("white", "black")}
    assert {("threecheck", "threecheck"), ("kingofthehill", "kingofthehill")} <= results
    assert ("bughouse", "bughousepartnerlose") in results


def test_the_fen_has_4_fields_for_live_games_before_2025_and_6_after_and_for_daily_games(
    universe: ChessUniverse,
) -> None:
    for game in games_of(universe, ("2024-12", "2025-01")):
        full = game["time_class"] == "daily" or game["end_time"] >= utc(2025, 1, 1, 8)
        assert len(game["fen"].split()) == (6 if full else 4), game["url"]


def test_tcn_is_two_characters_per_half_move_and_absent_from_archives_without_uuids(
    universe: ChessUniverse,
) -> None:
    for game in games_of(universe, ("2024-11",)):
        # Squares are [a-zA-Z0-9!?]; promotions and drops use Chess.com's further characters.
        assert re.fullmatch(r"([a-zA-Z0-9!?{~}(^)\[_\]@#$,./&*+=-]{2})*", game["tcn"])
    assert all("tcn" not in game and "uuid" not in game for game in games_of(universe, ("2022-06",)))


def test_the_initial_setup_is_a_fen_or_empty(universe: ChessUniverse) -> None:
    setups = [game["initial_setup"] for game in games_of(universe)]
    assert "" in setups
    assert all(setup == "" or len(setup.split()) == 6 for setup in setups)


def test_2021_archives_before_july_use_the_2020_era_live_urls(universe: ChessUniverse) -> None:
    june, july = month_games(universe, "2021-06"), month_games(universe, "2021-07")
    assert {re.sub(r"/\d+$", "", g["url"]) for g in june} == {
        "https://www.chess.com/live/game",
        "https://www.chess.com/game/daily",
    }
    assert {re.sub(r"/\d+$", "", g["url"]) for g in july} == {
        "https://www.chess.com/game/live",
        "https://www.chess.com/game/daily",
    }


def test_the_current_month_is_listed_once_its_first_game_has_ended(universe: ChessUniverse) -> None:
    username = universe.titled_usernames("GM")[0]
    first_end = min(g["end_time"] for g in universe.games(username, Month(2024, 12)) or [])
    before = universe.archive_months(username, now=first_end - 1) or []
    after = universe.archive_months(username, now=first_end) or []
    assert Month(2024, 12) not in before and after[-1] == Month(2024, 12)
