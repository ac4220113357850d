"""The data behind every chart and table of the dashboard, against the fixture API's truth."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from chess_dagster_tests.conftest import query
from chess_dagster_tests.dashboard_truth import CASES, Truth, as_rows, outcomes
from chess_dagster_tests.loads import PLAYERS, small_universe
from chess_dagster_tests.mart_build import MONTHS
from chess_dagster_tests.mart_truth import fixture_games
from dashboard import queries
from dashboard.warehouse import NotBuilt, NoWarehouse, Warehouse, WarehouseBusy
from fixture import Month


@pytest.fixture(scope="module")
def truth(built) -> Truth:
    roster = {name for (name,) in query(built.duckdb_path, "select username from chess_data.players")}
    return Truth(fixture_games(MONTHS), roster)


@pytest.fixture(scope="module")
def warehouse(built) -> Warehouse:
    return Warehouse(Path(built.duckdb_path))


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_query_equals_what_the_fixture_games_say(warehouse, truth, case):
    sql, params, expected = CASES[case](truth, truth.busiest_player(), MONTHS[-1])
    assert as_rows(warehouse.read(sql, params)) == expected
    assert expected, "the fixture's months give every query rows"


def test_the_endings_add_up_to_the_players_wins_draws_and_losses(warehouse, truth):
    player = truth.busiest_player()
    endings = warehouse.read(queries.TERMINATIONS, {"player": player})
    assert endings.groupby("outcome")["games"].sum().to_dict() == outcomes(truth, player)


def test_the_roster_lists_each_players_months_and_games_as_the_fixture_api_serves_them(warehouse, truth):
    universe = small_universe()
    loaded = universe.titled_usernames("GM")[:PLAYERS]
    expected = {
        name.lower(): (
            len(MONTHS),
            MONTHS[0],
            MONTHS[-1],
            sum(len(universe.games(name, Month.parse(m)) or []) for m in MONTHS),
        )
        for name in loaded
    }
    roster = warehouse.read(queries.ROSTER)
    shown = roster.set_index("username")[["months_loaded", "first_month", "last_month", "games"]]
    assert {
        name: tuple(row) for name, row in zip(shown.index, as_rows(shown), strict=True) if name in expected
    } == expected
    assert set(roster["username"]) == truth.roster
    assert roster.set_index("username").loc[sorted(expected), "title"].tolist() == ["GM"] * len(expected)


def test_each_raw_table_shows_the_load_that_last_wrote_it_and_when(warehouse, built):
    shown = {table: (load_id, at) for table, load_id, at in as_rows(warehouse.read(queries.LAST_LOADS))}
    listed = dict(query(built.duckdb_path, "select load_id, inserted_at from chess_data._dlt_loads"))
    assert set(shown) == {"players", "players_profiles", "players_games", "players_archives"}
    assert all(at == listed[load_id].date() for load_id, at in shown.values()), shown


def test_a_read_leaves_the_file_free_for_a_writer_at_once(warehouse):
    warehouse.read(queries.PLAYERS)
    duckdb.connect(str(warehouse.address)).close()  # raises at once if the reader kept its lock


def test_a_read_while_a_writer_holds_the_file_says_busy_at_once(warehouse):
    holding = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()"
    )
    with subprocess.Popen(
        [sys.executable, "-c", holding, str(warehouse.address)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as writer:
        assert writer.stdout and writer.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusy):
            warehouse.read(queries.PLAYERS)
        writer.communicate("")
    assert not warehouse.read(queries.PLAYERS).empty


def test_the_version_changes_when_rows_land_and_not_when_the_dashboard_reads(warehouse, tmp_path):
    copy = Warehouse(tmp_path / "copy.duckdb")
    duckdb.connect(str(copy.address)).execute("create table t as select 1 as x").close()
    before = copy.version()
    copy.read("select * from t")
    assert copy.version() == before
    with duckdb.connect(str(copy.address)) as writer:
        writer.execute("insert into t values (2)")
    assert copy.version() != before


def test_a_missing_file_and_a_missing_table_are_told_apart(tmp_path):
    with pytest.raises(NoWarehouse):
        Warehouse(tmp_path / "none.duckdb").read(queries.PLAYERS)
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    with pytest.raises(NotBuilt):
        Warehouse(tmp_path / "empty.duckdb").read(queries.PLAYERS)
