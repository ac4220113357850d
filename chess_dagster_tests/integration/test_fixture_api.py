"""The fixture API behaves like the Chess.com PubAPI described in shared/CHESS_API.md."""

import calendar
import json
import re

import requests

from fixture import ChessUniverse, FixtureKnobs, Month, running_fixture_api


def get(server, path, **kwargs):
    return requests.get(server.base_url + path, timeout=10, **kwargs)


def test_titled_list_is_lowercase_usernames(fixture_api):
    players = get(fixture_api, "titled/GM").json()["players"]
    assert players and all(name == name.lower() for name in players)


def test_unknown_title_and_unknown_player_are_404(fixture_api):
    assert get(fixture_api, "titled/XX").status_code == 404
    assert get(fixture_api, "player/nobody_at_all").status_code == 404
    assert get(fixture_api, "player/nobody_at_all/games/archives").status_code == 404


def test_profile_has_required_fields_and_epoch_times(fixture_api):
    username = get(fixture_api, "titled/GM").json()["players"][0]
    profile = get(fixture_api, f"player/{username.upper()}").json()
    assert profile["username"] == username  # usernames are case-insensitive in URLs
    for field in ("@id", "url", "player_id", "status", "country", "joined", "last_online", "followers"):
        assert field in profile
    assert isinstance(profile["joined"], int)


def test_archives_list_month_urls_ascending(fixture_api):
    username = get(fixture_api, "titled/GM").json()["players"][0]
    archives = get(fixture_api, f"player/{username}/games/archives").json()["archives"]
    assert archives == sorted(archives)
    assert archives[0].startswith(f"https://api.chess.com/pub/player/{username}/games/")


def test_month_games_ascend_by_end_time_and_keep_display_case(fixture_api, universe):
    username = universe.titled("GM")[0]
    games = get(fixture_api, f"player/{username}/games/2022/03").json()["games"]
    assert [g["end_time"] for g in games] == sorted(g["end_time"] for g in games)
    names = {g[side]["username"] for g in games for side in ("white", "black")}
    assert any(name != name.lower() for name in names)


def test_optional_fields_are_really_optional(universe):
    games = [
        g
        for p in universe.titled("GM")
        for m in ("2022-03", "2022-09")
        for g in universe.games(p, Month.parse(m))
    ]
    assert any("uuid" not in g for g in games) and any("uuid" in g for g in games)
    assert any("start_time" in g for g in games)  # daily games
    assert any(g["rules"] == "chess960" for g in games)
    assert any("accuracies" not in g for g in games) and any("eco" not in g for g in games)


def test_month_without_games_is_an_empty_list(fixture_api):
    username = get(fixture_api, "titled/GM").json()["players"][0]
    response = get(fixture_api, f"player/{username}/games/2019/01")
    assert response.status_code == 200 and response.json() == {"games": []}


def test_matching_etag_gets_304(fixture_api):
    first = get(fixture_api, "titled/GM")
    again = get(fixture_api, "titled/GM", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_requests_above_max_in_flight_get_429_with_retry_after():
    with running_fixture_api(
        ChessUniverse(), FixtureKnobs(latency_ms=300, max_in_flight=1, retry_after_s=3)
    ) as server:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(4) as pool:
            responses = list(pool.map(lambda _: get(server, "titled/GM"), range(4)))
    throttled = [r for r in responses if r.status_code == 429]
    assert throttled and all(r.headers["Retry-After"] == "3" for r in throttled)


def test_error_rate_answers_503_and_is_counted():
    with running_fixture_api(ChessUniverse(), FixtureKnobs(error_rate=1.0)) as server:
        assert get(server, "titled/GM").status_code == 503
        assert server.state.stats()["by_status"] == {"503": 1}


def test_drift_switch_adds_a_field_at_run_time(fixture_api, universe):
    username = universe.titled("GM")[0]
    assert "termination" not in get(fixture_api, f"player/{username}/games/2022/03").json()["games"][0]
    requests.post(fixture_api.base_url.replace("/pub/", "/_fixture/config"), json={"drift": True}, timeout=5)
    assert "termination" in get(fixture_api, f"player/{username}/games/2022/03").json()["games"][0]


# --- Pacific months, the fixture's clock and the shapes of real games (CHESS_API.md) -------------

MONTHS = ("2024-03", "2024-07", "2024-11")


def utc(*when: int) -> int:
    return calendar.timegm((*when, *([0] * (6 - len(when)))))


def configure(server, **knobs) -> None:
    url = server.base_url.replace("/pub/", "/_fixture/config")
    requests.post(url, json=knobs, timeout=5).raise_for_status()


def archive(server, username: str, month: str) -> list[dict]:
    return get(server, f"player/{username}/games/{month.replace('-', '/')}").json()["games"]


def served_games(server, universe, months=MONTHS) -> list[dict]:
    """The GMs' games of ``months`` as the API serves them, each once."""
    games = {
        game["url"]: game for p in universe.titled("GM") for m in months for game in archive(server, p, m)
    }
    return list(games.values())


def pgn_headers(pgn: str) -> dict[str, str]:
    return dict(re.findall(r'^\[(\w+) "([^"]*)"\]$', pgn, re.MULTILINE))


def end_times(server, universe, month: str) -> list[int]:
    return [game["end_time"] for p in universe.titled("GM") for game in archive(server, p, month)]


def test_a_november_archive_holds_games_ending_before_8_utc_on_december_first(fixture_api, universe):
    ends = end_times(fixture_api, universe, "2024-11")
    assert min(ends) >= utc(2024, 11, 1, 7) and max(ends) < utc(2024, 12, 1, 8)  # PDT start, PST end
    assert any(end >= utc(2024, 12, 1) for end in ends)


def test_a_march_archive_holds_games_ending_before_7_utc_on_april_first(fixture_api, universe):
    ends = end_times(fixture_api, universe, "2024-03")
    assert min(ends) >= utc(2024, 3, 1, 8) and max(ends) < utc(2024, 4, 1, 7)  # PST start, PDT end
    assert any(end >= utc(2024, 4, 1) for end in ends)


def test_the_fixture_clock_hides_games_that_end_after_it(fixture_api, universe):
    username = universe.titled("GM")[0]
    november = archive(fixture_api, username, "2024-11")
    configure(fixture_api, now=utc(2024, 12, 1, 3))  # 19:00 PST on 30 November
    served = archive(fixture_api, username, "2024-11")
    assert served == [game for game in november if game["end_time"] <= utc(2024, 12, 1, 3)]
    assert len(served) < len(november)


def test_the_fixture_clock_makes_its_pacific_month_the_month_in_progress(fixture_api, universe):
    username = universe.titled("GM")[0]
    configure(fixture_api, now=utc(2024, 12, 1, 7, 59))  # 23:59 PST on 30 November
    archives = get(fixture_api, f"player/{username}/games/archives").json()["archives"]
    assert archives[-1].endswith("/2024/11")
    assert archive(fixture_api, username, "2024-12") == []


def test_the_eco_url_names_the_opening_and_the_code_is_in_the_pgn_header(fixture_api, universe):
    with_eco = [g for g in served_games(fixture_api, universe) if "ECO" in pgn_headers(g.get("pgn", ""))]
    assert with_eco
    for game in with_eco:
        headers = pgn_headers(game["pgn"])
        assert headers["ECOUrl"] == game["eco"] and headers["ECO"] not in game["eco"]
        assert re.fullmatch(r"[A-E]\d\d", headers["ECO"])
        # Real pages name the line's moves too: `...-Variation...3.Bb2-d6-4.Bb5`.
        assert re.fullmatch(r"https://www\.chess\.com/openings/[A-Z][A-Za-z0-9.-]+", game["eco"])


def test_bughouse_games_have_no_pgn_and_an_empty_tcn(fixture_api, universe):
    bughouse = [g for g in served_games(fixture_api, universe) if g["rules"] == "bughouse"]
    assert bughouse
    for game in bughouse:
        assert "pgn" not in game and game["tcn"] == ""
        assert game["eco"] == "https://www.chess.com/openings/Undefined"


def test_set_up_games_have_no_eco_and_set_up_their_position(fixture_api, universe):
    set_up = [g for g in served_games(fixture_api, universe) if "SetUp" in pgn_headers(g.get("pgn", ""))]
    # chess: thematic openings; crazyhouse: the start with an empty pocket, as Chess.com writes it
    assert {g["rules"] for g in set_up} == {"chess960", "oddschess", "chess", "crazyhouse"}
    for game in set_up:
        headers = pgn_headers(game["pgn"])
        assert "eco" not in game and "ECO" not in headers and "ECOUrl" not in headers
        assert headers["SetUp"] == "1" and headers["FEN"] == game["initial_setup"]


def test_accuracies_are_integer_and_decimal(fixture_api, universe):
    username = universe.titled("GM")[0]
    games = archive(fixture_api, username, "2024-11")
    values = [value for game in games for value in game.get("accuracies", {}).values()]
    assert any("accuracies" not in game for game in games)
    assert any(isinstance(v, int) for v in values) and any(isinstance(v, float) for v in values)


def test_the_api_sends_no_null(fixture_api, universe):
    def rejects_null(pairs: list[tuple[str, object]]) -> dict:
        assert all(value is not None for _, value in pairs), pairs
        return dict(pairs)

    username = universe.titled("GM")[0]
    for path in (f"player/{username}", *(f"player/{username}/games/{m.replace('-', '/')}" for m in MONTHS)):
        json.loads(get(fixture_api, path).content, object_pairs_hook=rejects_null)


def test_a_club_has_its_profile_and_each_member_in_one_activity_list(fixture_api):
    club = get(fixture_api, "club/fixture-titled-club").json()
    members = get(fixture_api, "club/fixture-titled-club/members").json()
    assert set(members) == {"weekly", "monthly", "all_time"}
    names = [member["username"] for listed in members.values() for member in listed]
    assert len(names) == len(set(names)) == club["members_count"] > 0
    assert club["@id"] == "https://api.chess.com/pub/club/fixture-titled-club"
    assert isinstance(club["club_id"], int) and club["country"].endswith("/country/NO")


def test_a_country_lists_the_players_whose_profile_names_it(fixture_api):
    assert get(fixture_api, "country/NO").json() == {
        "@id": "https://api.chess.com/pub/country/NO",
        "code": "NO",
        "name": "Norway",
    }
    for username in get(fixture_api, "country/no/players").json()["players"]:
        assert get(fixture_api, f"player/{username}").json()["country"].endswith("/country/NO")


def test_players_are_on_several_lists_at_once(fixture_api):
    members = get(fixture_api, "club/fixture-titled-club/members").json()
    in_club = {member["username"] for listed in members.values() for member in listed}
    titled_gms = set(get(fixture_api, "titled/GM").json()["players"])
    member = sorted(in_club & titled_gms)[0]
    country = get(fixture_api, f"player/{member}").json()["country"].rsplit("/", 1)[-1]
    assert member in get(fixture_api, f"country/{country}/players").json()["players"]
    assert in_club - titled_gms  # members of other titles too


def test_unknown_club_and_country_are_404(fixture_api):
    assert get(fixture_api, "club/no-such-club/members").status_code == 404
    assert get(fixture_api, "country/ZZ/players").status_code == 404


def test_a_country_past_10000_answers_its_first_10000_with_a_comment():
    with running_fixture_api(ChessUniverse(players_per_title=2, crowd={"NO": 10_050})) as server:
        answer = get(server, "country/NO/players").json()
        assert len(answer["players"]) == 10_000
        assert answer["comment"].startswith("Results are temporarily reduced to the first 10000 players")
        crowd = answer["players"][-1]
        assert get(server, f"player/{crowd}").json()["country"].endswith("/country/NO")
        assert get(server, f"player/{crowd}/games/archives").json() == {"archives": []}


def test_a_player_joins_and_leaves_a_club_while_the_api_runs(fixture_api, universe):
    newcomer = universe.titled("IM")[0]
    path = "club/fixture-blitz-club/members"

    def members():
        return {m["username"] for listed in get(fixture_api, path).json().values() for m in listed}

    changes = {"list": "club/fixture-blitz-club", "join": [newcomer]}
    requests.post(fixture_api.base_url.replace("/pub/", "/_fixture/lists"), json=changes, timeout=10)
    assert newcomer in members()
    universe.lists.leave("club/fixture-blitz-club", newcomer)
    assert newcomer not in members()


def test_a_player_earns_a_title_while_the_api_runs(fixture_api, universe):
    newcomer = universe.titled("IM")[0]
    universe.lists.join("titled/GM", newcomer)
    assert newcomer in get(fixture_api, "titled/GM").json()["players"]
