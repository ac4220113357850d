"""Rosters made of lists: titles, clubs, countries and names, their union in chess/players and each
player's lists with their history in chess/roster_members, on DuckDB and PostgreSQL; games loads take
the roster from the warehouse, and a run's config narrows them to some of its players."""

import json

import dagster as dg
import pytest

from chess_dagster.definitions import defs
from chess_dagster.defs.ingest.keys import GAMES_KEY, PLAYERS_KEY, ROSTER_MEMBERS_KEY
from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster.runs.failures import first_failure_reason
from fixture import ChessUniverse, running_fixture_api

CLUB, COUNTRY = "fixture-titled-club", "NO"
EVERYONE = 1_000  # max_players well above the small universe's 24 players


def club_members(universe: ChessUniverse, club: str) -> list[str]:
    answer = universe.lists.club_members(club) or {}
    return [m["username"] for activity in ("weekly", "monthly", "all_time") for m in answer[activity]]


def country_players(universe: ChessUniverse, iso: str) -> list[str]:
    return (universe.lists.country_players(iso) or {})["players"]


def expected_sources(universe: ChessUniverse) -> set[tuple[str, str, str]]:
    """The fixture's truth for titles GM and IM, the club and the country: (username, kind, source)."""
    return (
        {(name, "title", title) for title in ("GM", "IM") for name in universe.titled_usernames(title)}
        | {(name, "club", CLUB) for name in club_members(universe, CLUB)}
        | {(name, "country", COUNTRY) for name in country_players(universe, COUNTRY)}
    )


@pytest.fixture
def lists_env(api_env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCES__CHESS__TITLES", '["GM", "IM"]')
    monkeypatch.setenv("SOURCES__CHESS__CLUBS", json.dumps([CLUB]))
    monkeypatch.setenv("SOURCES__CHESS__COUNTRIES", json.dumps([COUNTRY]))
    monkeypatch.setenv("SOURCES__CHESS__MAX_PLAYERS", str(EVERYONE))


def load_roster(instance: dg.DagsterInstance, resources: dict) -> dg.ExecuteInProcessResult:
    return defs.resolve_job_def("chess_roster_job").execute_in_process(instance=instance, resources=resources)


def rows(warehouse: ChessWarehouse, table: str, columns: str) -> set[tuple]:
    with warehouse.sql_client() as client:
        found = client.execute_sql(f"select {columns} from {client.make_qualified_table_name(table)}")
        return {tuple(row) for row in found or []}


def current_sources(warehouse: ChessWarehouse) -> set[tuple]:
    return {
        row[:3]
        for row in rows(warehouse, "roster_members", "username, kind, source_id, left_at")
        if row[3] is None
    }


def test_players_are_the_union_of_titles_a_club_and_a_country(
    either_warehouse, lists_env, universe, instance, resources
):
    result = load_roster(instance, resources)
    expected = expected_sources(universe)
    assert rows(resources["warehouse"], "players", "username") == {(name,) for name, _, _ in expected}
    assert current_sources(resources["warehouse"]) == expected
    assert len({name for name, _, _ in expected}) < len(expected)  # some players are on several lists
    failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    assert result.success and not failed


def test_clubs_and_countries_hold_their_profiles(lists_env, universe, instance, resources):
    load_roster(instance, resources)
    club = universe.lists.club(CLUB) or {}
    assert rows(resources["warehouse"], "clubs", "url_id, club_id, name") == {
        (CLUB, club["club_id"], club["name"])
    }
    assert rows(resources["warehouse"], "countries", "code, name") == {("NO", "Norway")}


def test_max_players_counts_names_first_then_titles_in_the_apis_order(
    api_env, monkeypatch, universe, instance, resources
):
    named = universe.titled_usernames("IM")[0]
    monkeypatch.setenv("SOURCES__CHESS__PLAYERS", json.dumps([named]))
    monkeypatch.setenv("SOURCES__CHESS__TITLES", '["GM"]')
    monkeypatch.setenv("SOURCES__CHESS__MAX_PLAYERS", "3")
    load_roster(instance, resources)
    expected = {named, *universe.titled_usernames("GM")[:2]}
    assert rows(resources["warehouse"], "players", "username") == {(name,) for name in expected}


def test_a_player_who_leaves_the_club_keeps_their_history_with_when_they_left(
    api_env, monkeypatch, universe, instance, resources
):
    monkeypatch.setenv("SOURCES__CHESS__CLUBS", json.dumps([CLUB]))
    monkeypatch.setenv("SOURCES__CHESS__MAX_PLAYERS", str(EVERYONE))
    load_roster(instance, resources)
    leaver = club_members(universe, CLUB)[0]
    universe.lists.leave(f"club/{CLUB}", leaver)
    load_roster(instance, resources)
    warehouse = resources["warehouse"]
    assert (leaver,) not in rows(warehouse, "players", "username")
    stints = rows(warehouse, "roster_members", "username, first_seen, left_at")
    ((_, first_seen, left_at),) = [stint for stint in stints if stint[0] == leaver]
    assert first_seen < left_at


def test_a_newcomer_begins_a_membership_and_nobody_elses_changes(
    api_env, monkeypatch, universe, instance, resources
):
    monkeypatch.setenv("SOURCES__CHESS__CLUBS", json.dumps([CLUB]))
    monkeypatch.setenv("SOURCES__CHESS__MAX_PLAYERS", str(EVERYONE))
    load_roster(instance, resources)
    before = rows(resources["warehouse"], "roster_members", "username, first_seen")
    newcomer = next(name for name in sorted(universe.players) if name not in club_members(universe, CLUB))
    universe.lists.join(f"club/{CLUB}", newcomer)
    load_roster(instance, resources)
    after = rows(resources["warehouse"], "roster_members", "username, first_seen")
    assert {name for name, _ in after - before} == {newcomer} and before <= after


def test_an_unchanged_roster_writes_no_membership(lists_env, instance, resources):
    load_roster(instance, resources)
    again = load_roster(instance, resources)
    (members,) = [
        m for m in again.asset_materializations_for_node("chess_source") if m.asset_key == ROSTER_MEMBERS_KEY
    ]
    assert members.metadata["unchanged"].value == "every player is on the lists the last roster load found"


def test_a_games_load_takes_the_roster_from_the_warehouse_not_the_lists(
    lists_env, api_env, universe, instance, resources
):
    load_roster(instance, resources)
    api_env.state.reset_stats()
    games = defs.resolve_job_def("chess_games_job")
    assert games.execute_in_process(instance=instance, resources=resources, partition_key="2022-10").success
    asked = api_env.state.stats()["by_route"]
    assert not {"titled", "club_members", "country_players"} & set(asked)
    assert asked["archives"] == len(rows(resources["warehouse"], "players", "username"))


def test_a_runs_players_narrow_its_games_to_them(api_env, universe, instance, resources):
    load_roster(instance, resources)
    (chosen, *_) = sorted(name for (name,) in rows(resources["warehouse"], "players", "username"))
    api_env.state.reset_stats()
    config = {"ops": {"chess_source": {"config": {"players": [chosen.upper()]}}}}
    games = defs.resolve_job_def("chess_games_job")
    games.execute_in_process(
        instance=instance, resources=resources, partition_key="2022-10", run_config=config
    )
    assert api_env.state.stats()["by_route"]["archives"] == 1
    urls = {url for (url,) in rows(resources["warehouse"], "players_games", "url")}
    assert urls == universe.game_urls([chosen], ["2022-10"])


def test_a_runs_player_not_on_the_roster_fails_in_one_line_before_any_request(api_env, instance, resources):
    load_roster(instance, resources)
    api_env.state.reset_stats()
    config = {"ops": {"chess_source": {"config": {"players": ["nobody_here"]}}}}
    result = defs.resolve_job_def("chess_games_job").execute_in_process(
        instance=instance,
        resources=resources,
        partition_key="2022-10",
        run_config=config,
        raise_on_error=False,
    )
    assert "not on the roster" in first_failure_reason(result.all_events)
    assert api_env.state.stats()["requests"] == 0


def test_a_country_answered_in_part_is_said_on_the_players_materialization(monkeypatch, instance, resources):
    with running_fixture_api(ChessUniverse(players_per_title=2, crowd={"NO": 10_001})) as server:
        monkeypatch.setenv("SOURCES__CHESS__CHESS_URL", server.base_url)
        monkeypatch.setenv("SOURCES__CHESS__COUNTRIES", '["NO"]')
        monkeypatch.setenv("SOURCES__CHESS__MAX_PLAYERS", "2")
        result = load_roster(instance, resources)
    (players,) = [
        m for m in result.asset_materializations_for_node("chess_source") if m.asset_key == PLAYERS_KEY
    ]
    words = players.metadata["lists_answered_in_part"].value
    assert isinstance(words, list) and len(words) == 1
    assert str(words[0]).startswith("country/NO/players: Results are temporarily reduced")


def test_games_load_before_any_roster_reads_the_lists(lists_env, api_env, instance, resources):
    result = (
        defs.resolve_implicit_global_asset_job_def()
        .get_subset(asset_selection={GAMES_KEY})
        .execute_in_process(instance=instance, resources=resources, partition_key="2022-10")
    )
    assert result.success and api_env.state.stats()["by_route"]["club_members"] == 1
