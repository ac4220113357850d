"""The fixture API behaves like the Chess.com PubAPI described in shared/CHESS_API.md."""

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
