"""chess/game_moves and chess/game_facts: every move of a month's games, as python-chess's own replay
of the fixture's games says (``moves_truth``), in the warehouse beside the games."""

import dagster as dg
import pytest

from chess_dagster.defs.ingest.assets import chess_source
from chess_dagster.defs.moves.assets import chess_moves
from chess_dagster.defs.moves.keys import GAME_FACTS_KEY, GAME_MOVES_KEY
from chess_dagster_tests.conftest import query
from chess_dagster_tests.moves_truth import (
    FACT_COLUMNS,
    FACTS_QUERY,
    MOVES_QUERY,
    expected_facts_by_game,
    expected_moves_by_game,
    moves_by_game,
    replayed,
    served_games,
)

# Months whose roster games hold every rules Chess.com serves with a PGN, two broken move texts, and
# no tcn (archives before mid-2022).
MONTHS = ["2022-01", "2022-02"]


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


def test_every_games_facts_equal_python_chess_replay_of_the_fixture_game(moves_loaded, universe, duckdb_path):
    found = {
        url: dict(zip(FACT_COLUMNS, values, strict=True)) for url, *values in query(duckdb_path, FACTS_QUERY)
    }
    expected = expected_facts_by_game(universe, MONTHS)
    wrong = {url: (found.get(url), facts) for url, facts in expected.items() if found.get(url) != facts}
    assert not wrong, list(wrong.items())[:2]


def test_the_months_hold_every_rules_with_moves_and_a_broken_move_text(universe):
    games = served_games(universe, MONTHS).values()
    rules = {game["rules"] for game in games}
    assert rules == {"chess", "chess960", "oddschess", "crazyhouse", "threecheck", "kingofthehill"}
    assert [game for game in games if replayed(game).errors]


def test_a_broken_move_text_keeps_its_readable_moves_and_warns_while_the_month_loads(
    moves_loaded, universe, duckdb_path
):
    broken = {url for url, game in served_games(universe, MONTHS).items() if replayed(game).errors}
    partly = query(
        duckdb_path, "select url, moves_error from chess_moves.game_facts where moves_read = 'partly'"
    )
    assert {url for url, _ in partly} == broken
    assert all(error.startswith("illegal san") for _, error in partly)
    checks = [e for result in moves_loaded for e in result.get_asset_check_evaluations()]
    assert all(result.success for result in moves_loaded)
    warned = [e for e in checks if not e.passed]
    assert warned and all(e.severity == dg.AssetCheckSeverity.WARN for e in warned)
    assert sum(e.metadata["games_read_partly"].value for e in checks) == len(broken)


def test_plies_equal_the_moves_python_chess_reads_for_every_game_with_move_text(
    moves_loaded, universe, duckdb_path
):
    plies = dict(query(duckdb_path, "select url, plies from chess_moves.game_facts"))
    for url, game in served_games(universe, MONTHS).items():
        assert plies[url] == (len(list(replayed(game).mainline_moves())) or None), url


def test_reading_a_month_again_replaces_its_rows(moves_loaded, resources, instance, duckdb_path):
    before = query(
        duckdb_path, "select count(*), count(distinct url || '/' || ply) from chess_moves.game_moves"
    )
    materialize([GAME_MOVES_KEY, GAME_FACTS_KEY], MONTHS[0], resources, instance)
    after = query(
        duckdb_path, "select count(*), count(distinct url || '/' || ply) from chess_moves.game_moves"
    )
    assert after == before and before[0][0] == before[0][1]
