"""chess/game_moves and chess/game_facts: every move of a month's games, as python-chess's own replay
of the fixture's games says (``moves_truth``), in the warehouse beside the games."""

from collections.abc import Iterator
from dataclasses import dataclass

import dagster as dg
import pytest

from chess_dagster.defs.moves import assets as moves_assets
from chess_dagster.defs.moves.assets import chess_moves
from chess_dagster.defs.resources import ChessWarehouse
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


@dataclass(frozen=True)
class Moved:
    """The months' games loaded (a copy of the session's load), then their moves read a month per run."""

    duckdb_path: str
    instance: dg.DagsterInstance
    results: list[dg.ExecuteInProcessResult]

    def read_moves(self, first: str, last: str | None = None) -> dg.ExecuteInProcessResult:
        """The months ``first`` to ``last`` in one run, as a backfill of a range runs them."""
        return dg.materialize(
            [chess_moves],
            tags={
                "dagster/asset_partition_range_start": first,
                "dagster/asset_partition_range_end": last or first,
            },
            resources={"warehouse": ChessWarehouse(database=self.duckdb_path)},
            instance=self.instance,
        )


pytestmark = pytest.mark.xdist_group("moves_loaded")  # one read for the module


@pytest.fixture(scope="module")
def moves_loaded(load_templates, tmp_path_factory) -> Iterator[Moved]:
    """Read once for the module's tests, which only read it (or replace a month with the same)."""
    folder = tmp_path_factory.mktemp("moves")
    database = str(folder / "chess.duckdb")
    tags = {"dagster/asset_partition_range_start": MONTHS[0], "dagster/asset_partition_range_end": MONTHS[-1]}
    with load_templates.copy("chess_source_job", tags, database, folder / "instance") as loaded:
        moved = Moved(database, loaded.instance, [])
        moved.results.extend(moved.read_moves(month) for month in MONTHS)
        yield moved


def test_every_move_row_equals_python_chess_replay_of_the_fixture_game(moves_loaded, universe):
    found = moves_by_game(query(moves_loaded.duckdb_path, MOVES_QUERY))
    expected = expected_moves_by_game(universe, MONTHS)
    assert found.keys() == expected.keys()
    wrong = [url for url in expected if found[url] != expected[url]]
    assert not wrong, [(url, found[url][:2], expected[url][:2]) for url in wrong[:2]]


def test_every_games_facts_equal_python_chess_replay_of_the_fixture_game(moves_loaded, universe):
    found = {
        url: dict(zip(FACT_COLUMNS, values, strict=True))
        for url, *values in query(moves_loaded.duckdb_path, FACTS_QUERY)
    }
    expected = expected_facts_by_game(universe, MONTHS)
    wrong = {url: (found.get(url), facts) for url, facts in expected.items() if found.get(url) != facts}
    assert not wrong, list(wrong.items())[:2]


def test_the_months_hold_every_rules_with_moves_and_a_broken_move_text(universe):
    games = served_games(universe, MONTHS).values()
    rules = {game["rules"] for game in games}
    assert rules == {"chess", "chess960", "oddschess", "crazyhouse", "threecheck", "kingofthehill"}
    assert [game for game in games if replayed(game).errors]


def test_a_broken_move_text_keeps_its_readable_moves_and_warns_while_the_month_loads(moves_loaded, universe):
    broken = {url for url, game in served_games(universe, MONTHS).items() if replayed(game).errors}
    partly = query(
        moves_loaded.duckdb_path,
        "select url, moves_error from chess_moves.game_facts where moves_read = 'partly'",
    )
    assert {url for url, _ in partly} == broken
    assert all(error.startswith("illegal san") for _, error in partly)
    checks = [e for result in moves_loaded.results for e in result.get_asset_check_evaluations()]
    assert all(result.success for result in moves_loaded.results)
    warned = [e for e in checks if not e.passed]
    assert warned and all(e.severity == dg.AssetCheckSeverity.WARN for e in warned)
    assert sum(e.metadata["games_read_partly"].value for e in checks) == len(broken)


def test_plies_equal_the_moves_python_chess_reads_for_every_game_with_move_text(moves_loaded, universe):
    plies = dict(query(moves_loaded.duckdb_path, "select url, plies from chess_moves.game_facts"))
    for url, game in served_games(universe, MONTHS).items():
        assert plies[url] == (len(list(replayed(game).mainline_moves())) or None), url


def test_reading_the_months_again_in_small_batches_and_loads_replaces_their_rows_with_the_same(
    moves_loaded, universe, monkeypatch
):
    before = moves_by_game(query(moves_loaded.duckdb_path, MOVES_QUERY))
    loads = "select count(*) from chess_moves._dlt_loads"
    (loads_before,) = query(moves_loaded.duckdb_path, loads)
    monkeypatch.setattr(moves_assets, "GAMES_PER_BATCH", 7)
    monkeypatch.setattr(moves_assets, "MOVE_ROWS_PER_LOAD", 1)  # a load per month
    assert moves_loaded.read_moves(MONTHS[0], MONTHS[-1]).success
    assert query(moves_loaded.duckdb_path, loads)[0][0] == loads_before[0] + len(MONTHS)
    assert (
        moves_by_game(query(moves_loaded.duckdb_path, MOVES_QUERY))
        == before
        == expected_moves_by_game(universe, MONTHS)
    )
