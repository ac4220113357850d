"""chess/game_moves and chess/game_facts: every move of a month's games, as python-chess's own replay
of the fixture's games says (``moves_truth``), in the warehouse beside the games."""

import dagster as dg
import pytest

from chess_dagster.defs.ingest.assets import chess_source
from chess_dagster.defs.moves.assets import chess_moves
from chess_dagster.defs.moves.keys import GAME_FACTS_KEY, GAME_MOVES_KEY
from chess_dagster_tests.conftest import query
from chess_dagster_tests.moves_truth import MOVES_QUERY, expected_moves_by_game, moves_by_game

MONTHS = ["2022-10", "2022-11"]


def materialize(selection, partition_key, resources, instance) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [chess_source, chess_moves],
        selection=selection,
        partition_key=partition_key,
        resources=resources,
        instance=instance,
    )


@pytest.fixture
def moves_loaded(api_env, resources, instance, duckdb_path) -> list[dg.ExecuteInProcessResult]:
    results = []
    for month in MONTHS:
        materialize([dg.AssetKey(["chess", "players_games"])], month, resources, instance)
        results.append(materialize([GAME_MOVES_KEY, GAME_FACTS_KEY], month, resources, instance))
    return results


def test_every_move_row_equals_python_chess_replay_of_the_fixture_game(moves_loaded, universe, duckdb_path):
    found = moves_by_game(query(duckdb_path, MOVES_QUERY))
    expected = expected_moves_by_game(universe, MONTHS)
    assert found.keys() == expected.keys()
    wrong = [url for url in expected if found[url] != expected[url]]
    assert not wrong, [(url, found[url][:2], expected[url][:2]) for url in wrong[:2]]
