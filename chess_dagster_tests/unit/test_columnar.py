"""A player's month archives, as HTTP bodies, become one Arrow table through Arrow's JSON reader:
the table the dict route (``games_table``) makes of the same games, whatever the body's layout."""

from __future__ import annotations

import json
import logging

import pyarrow as pa
import pytest

from chess_dagster.sources.chess_com.columnar import archives_table, checked_archive, games_table
from fixture import ChessUniverse, Month

MONTHS = ("2024-01", "2024-02", "2024-03")


def _games_by_month() -> dict[str, list[dict]]:
    universe = ChessUniverse(players_per_title=12, games_per_month=40)
    username = universe.titled_usernames("GM")[0]
    games = {month: universe.games(username, Month.parse(month)) or [] for month in MONTHS}
    first = MONTHS[0]
    games[first][0] = {**games[first][0], "broadcast": {"channel": "live", "viewers": {"peak": 12}}}
    return games


def _bodies(games: dict[str, list[dict]], indent: int | None = None) -> dict[str, bytes]:
    return {
        month: json.dumps({"games": month_games}, indent=indent).encode()
        for month, month_games in games.items()
    }


def _by_rows(games: dict[str, list[dict]]) -> pa.Table:
    return games_table(
        [{**game, "archive_month": month} for month, month_games in games.items() for game in month_games]
    )


def test_archive_bodies_make_the_columns_types_and_values_of_the_dict_route() -> None:
    games = _games_by_month()

    table = archives_table(_bodies(games))

    assert table is not None
    expected = _by_rows(games)
    assert sorted(table.column_names) == sorted(expected.column_names)
    assert table.equals(expected.select(table.column_names))
    assert table.column("archive_month").to_pylist() == [m for m, month in games.items() for _ in month]


def test_a_pretty_printed_archive_makes_the_same_table() -> None:
    games = _games_by_month()

    pretty, compact = archives_table(_bodies(games, indent=2)), archives_table(_bodies(games))

    assert pretty is not None and compact is not None
    assert pretty.equals(compact)


def test_months_without_games_make_no_rows_and_no_table() -> None:
    assert archives_table({"2024-01": b'{"games": []}'}) is None
    table = archives_table({"2024-01": b'{"games": []}', "2024-02": b'{"games": [{"url": "a"}]}'})
    assert table is not None
    assert table.to_pylist() == [{"url": "a", "archive_month": "2024-02"}]


def test_a_field_mixing_value_types_across_months_is_kept_as_json_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bodies = {
        "2024-01": b'{"games": [{"url": "a", "odd": 1}]}',
        "2024-02": b'{"games": [{"url": "b", "odd": "one"}, {"url": "c"}]}',
    }
    with caplog.at_level(logging.WARNING):
        table = archives_table(bodies)

    assert table is not None
    assert table.column("odd").to_pylist() == ["1", '"one"', None]
    assert "'odd' mixes value types" in caplog.text


def test_epoch_seconds_become_utc_timestamps_and_the_primary_key_is_not_nullable() -> None:
    table = archives_table({"2024-01": b'{"games": [{"url": "a", "end_time": 1700000000}]}'})

    assert table is not None
    assert str(table.schema.field("end_time").type) == "timestamp[us, tz=UTC]"
    assert table.column("end_time")[0].as_py().timestamp() == 1_700_000_000
    assert not table.schema.field("url").nullable


@pytest.mark.parametrize(
    "body", [b'{"games": [{"url": "a"}', b"<html>busy</html>", b"[]", b'{"error": 1}', b'{"games": 3}']
)
def test_a_body_that_is_not_an_archive_is_rejected_so_the_client_asks_again(body: bytes) -> None:
    with pytest.raises(ValueError):
        checked_archive(body)


def test_an_archive_body_is_passed_on_unchanged() -> None:
    body = b'{"games": [{"url": "a"}]}'

    assert checked_archive(body).body is body


def test_an_archive_body_tells_how_many_games_it_lists() -> None:
    assert checked_archive(b'{"games": [{"url": "a"}, {"url": "b"}]}').games == 2
