"""The games' columnar route (Arrow -> parquet) makes what dlt's row route makes of the same games."""

import logging
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest

from chess_dagster.sources.chess_com.columnar import games_table
from fixture import ChessUniverse, Month

GAMES_HINTS: dict[str, Any] = {
    "max_table_nesting": 1,
    "write_disposition": "merge",
    "primary_key": "url",
    "columns": {
        "end_time": {"data_type": "timestamp"},
        "start_time": {"data_type": "timestamp"},
        # Real archives mix integer and decimal accuracies (100, 84.74): untyped, the row route
        # makes a bigint column and a ``__v_double`` variant beside it; the columnar route types them.
        "accuracies__white": {"data_type": "double"},
        "accuracies__black": {"data_type": "double"},
    },
}


def _games() -> list[dict]:
    """A month of fixture games, one with a field never seen before holding a nested object."""
    universe = ChessUniverse(players_per_title=12, games_per_month=40)
    username = universe.titled_usernames("GM")[0]
    month = universe.games(username, Month.parse("2024-03")) or []
    games = [{**game, "archive_month": "2024-03"} for game in month]
    games[0] = {**games[0], "broadcast": {"channel": "live", "viewers": {"peak": 12}}}
    return games


def _load(path: Path, name: str, items: Any) -> dlt.Pipeline:
    pipeline = dlt.pipeline(
        name,
        destination=dlt.destinations.duckdb(str(path)),
        dataset_name="chess_data",
        pipelines_dir=str(path.parent / name),
    )
    resource = dlt.resource(items, name="players_games", **GAMES_HINTS)
    pipeline.run(resource, loader_file_format="parquet")
    return pipeline


def _columns(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return dict(
            connection.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'chess_data' and table_name = 'players_games'"
            ).fetchall()
        )


def _rows(path: Path, columns: list[str]) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(
            f"select {', '.join(columns)} from chess_data.players_games order by url"
        ).fetchall()


def test_the_columnar_route_makes_the_columns_and_types_of_the_row_route(tmp_path: Path) -> None:
    games = _games()
    by_rows, by_columns = tmp_path / "rows.duckdb", tmp_path / "columns.duckdb"
    _load(by_rows, "rows", games)
    _load(by_columns, "columns", games_table(games))

    assert _columns(by_columns) == _columns(by_rows)
    assert "broadcast__channel" in _columns(by_columns)  # a new field still reaches the schema


def test_the_columnar_route_loads_the_values_of_the_row_route(tmp_path: Path) -> None:
    games = _games()
    by_rows, by_columns = tmp_path / "rows.duckdb", tmp_path / "columns.duckdb"
    _load(by_rows, "rows", games)
    _load(by_columns, "columns", games_table(games))

    data_columns = sorted(name for name in _columns(by_rows) if not name.startswith("_dlt"))
    loaded = _rows(by_columns, data_columns)
    assert loaded == _rows(by_rows, data_columns)
    assert len(loaded) == len(games)


def test_a_columnar_load_into_a_table_the_row_route_made_changes_no_schema(tmp_path: Path) -> None:
    games = _games()
    warehouse = tmp_path / "chess.duckdb"
    pipeline = _load(warehouse, "upgrade", games)
    columns = _columns(warehouse)

    pipeline.run(
        dlt.resource([games_table(games)], name="players_games", **GAMES_HINTS), loader_file_format="parquet"
    )

    # What the drift sensor reads: no table or column added. (dlt does store a new schema version:
    # it spells out hints the row route left implicit, such as nullable: true.)
    load_info = pipeline.last_trace.last_load_info if pipeline.last_trace else None
    assert load_info is not None
    assert load_info.load_packages[0].schema_update == {}
    assert _columns(warehouse) == columns


def test_whole_number_accuracies_stay_floats_and_epoch_seconds_become_utc_timestamps() -> None:
    table = games_table([{"url": "u", "end_time": 1_700_000_000, "accuracies": {"white": 90, "black": 87.5}}])

    assert table.column("accuracies__white").to_pylist() == [90.0]
    assert str(table.schema.field("end_time").type) == "timestamp[us, tz=UTC]"
    assert table.column("end_time")[0].as_py().timestamp() == 1_700_000_000


def test_a_field_mixing_value_types_is_kept_as_json_text_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        table = games_table([{"url": "a", "odd": 1}, {"url": "b", "odd": "one"}, {"url": "c"}])

    assert table.column("odd").to_pylist() == ["1", '"one"', None]
    assert "'odd' mixes value types" in caplog.text


def test_the_primary_key_is_not_nullable() -> None:
    assert not games_table([{"url": "a"}]).schema.field("url").nullable
