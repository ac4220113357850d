"""chess/players_stats: a row per player and rating kind, as player/{username}/stats answers, on
DuckDB and PostgreSQL; asked for again only once stale; its checks fail on a wrong table."""

from collections.abc import Iterator

import dagster as dg
import pytest

from chess_dagster.definitions import defs
from chess_dagster.defs.ingest.keys import STATS_KEY
from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster_tests.loads import PLAYERS, small_universe
from chess_dagster_tests.stats_truth import fixture_stats


def warehouse_stats(warehouse: ChessWarehouse) -> set[tuple]:
    with warehouse.sql_client() as client:
        table = client.make_qualified_table_name("players_stats")
        rows = client.execute_sql(
            f"select username, kind, last_rating, best_rating, wins, time_per_move from {table}"
        )
        return {tuple(row) for row in rows or []}


def load_roster(instance: dg.DagsterInstance, resources: dict) -> dg.ExecuteInProcessResult:
    return defs.resolve_job_def("chess_roster_job").execute_in_process(instance=instance, resources=resources)


@pytest.fixture
def roster_loaded(api_env, instance, resources) -> Iterator[dg.ExecuteInProcessResult]:
    yield load_roster(instance, resources)


def test_a_roster_load_holds_each_players_stats_by_kind_as_the_fixture_serves_them(
    either_warehouse, api_env, instance, resources
):
    load_roster(instance, resources)
    expected = fixture_stats(small_universe(), small_universe().titled_usernames("GM")[:PLAYERS])
    assert {kind for _, kind, *_ in expected} >= {"fide", "tactics"}  # the fixture varies its answers
    assert warehouse_stats(resources["warehouse"]) == expected


def test_stats_still_fresh_are_not_asked_for_again(roster_loaded, api_env, instance, resources):
    asked_before = api_env.state.stats()["by_route"].get("stats", 0)
    again = load_roster(instance, resources)
    assert api_env.state.stats()["by_route"].get("stats", 0) == asked_before == PLAYERS
    (stats,) = [m for m in again.asset_materializations_for_node("chess_source") if m.asset_key == STATS_KEY]
    assert stats.metadata["unchanged"].value == "every player's stats are fresh (Cache-Control: max-age)"


def run_stats_checks(instance, resources) -> dict[str, dg.AssetCheckEvaluation]:
    result = defs.resolve_job_def("chess_checks").execute_in_process(
        instance=instance, resources=resources, raise_on_error=False
    )
    return {e.check_name: e for e in result.get_asset_check_evaluations() if e.asset_key == STATS_KEY}


def test_a_loaded_roster_passes_the_stats_checks(roster_loaded, instance, resources):
    evaluations = run_stats_checks(instance, resources)
    assert set(evaluations) == {"stats_match_endpoint", "ratings_positive"}
    assert all(e.passed for e in evaluations.values()), {n: e.description for n, e in evaluations.items()}


def test_a_kind_missing_from_the_table_fails_stats_match_endpoint(roster_loaded, instance, resources):
    with resources["warehouse"].sql_client() as client:
        client.execute_sql(
            f"delete from {client.make_qualified_table_name('players_stats')} where kind = 'fide'"
        )
    evaluation = run_stats_checks(instance, resources)["stats_match_endpoint"]
    assert not evaluation.passed and "returned but not held" in str(evaluation.description)


def test_a_rating_below_one_fails_ratings_positive(roster_loaded, instance, resources):
    with resources["warehouse"].sql_client() as client:
        table = client.make_qualified_table_name("players_stats")
        client.execute_sql(f"update {table} set last_rating = 0 where kind = 'fide'")
    evaluation = run_stats_checks(instance, resources)["ratings_positive"]
    assert not evaluation.passed
    assert evaluation.metadata["rows_not_positive"] == dg.MetadataValue.int(1)  # one player has a FIDE row
