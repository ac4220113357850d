"""Schema drift as the Slack sensor sees it: the drift in a materialization, its message, the cursor."""

from __future__ import annotations

import json

import dagster as dg

from chess_dagster.defs.alerts.sensors import RECENT_LOADS_KEPT, DriftCursor, SchemaChange
from chess_dagster.defs.ingest.load_history import drift_of

GAMES_KEY = dg.AssetKey(["chess", "players_games"])
RUN_ID = "0f3c2a9e-1111-2222-3333-444455556666"
RUN_URL = f"http://127.0.0.1:3000/runs/{RUN_ID}"
DRIFT = {
    "players_games": {"termination": "text", "accuracy": "double"},
    "players_games__moves": {"clock": "bigint"},
}


def change(partitions: list[str] | None = None) -> SchemaChange:
    return SchemaChange(GAMES_KEY, RUN_ID, "1718000000.123456", DRIFT, partitions or [])


def test_the_drift_is_read_from_the_new_columns_metadata() -> None:
    metadata = {"dlt_load_id": dg.MetadataValue.text("1"), "schema_new_columns": dg.MetadataValue.json(DRIFT)}
    assert drift_of(metadata) == DRIFT


def test_a_materialization_without_new_columns_metadata_has_no_drift() -> None:
    assert drift_of({"dlt_load_id": dg.MetadataValue.text("1")}) == {}


def test_a_load_that_added_no_columns_has_no_drift() -> None:
    assert drift_of({"schema_new_columns": dg.MetadataValue.json({})}) == {}


def test_a_missing_cursor_is_the_empty_cursor() -> None:
    assert DriftCursor.parse(None) == DriftCursor(after_storage_id=0, posted_loads=[])


def test_an_empty_cursor_string_is_the_empty_cursor() -> None:
    assert DriftCursor.parse("") == DriftCursor()


def test_a_cursor_survives_a_dump_and_parse() -> None:
    cursor = DriftCursor(after_storage_id=42, posted_loads=["1.5:chess/players", "1.6:chess/players_games"])
    assert DriftCursor.parse(cursor.dump()) == cursor


def test_a_dumped_cursor_is_json() -> None:
    assert json.loads(DriftCursor(7, ["a"]).dump()) == {"after_storage_id": 7, "posted_loads": ["a"]}


def test_a_dumped_cursor_keeps_only_the_most_recent_posted_loads() -> None:
    posted = [f"load{number}:chess/players_games" for number in range(RECENT_LOADS_KEPT + 10)]
    assert DriftCursor.parse(DriftCursor(9, posted).dump()).posted_loads == posted[-RECENT_LOADS_KEPT:]


def test_a_change_is_keyed_by_its_load_and_asset() -> None:
    assert change().key == "1718000000.123456:chess/players_games"


def test_the_message_names_the_asset_and_the_span_of_its_partitions() -> None:
    first_line = change(["2022-02", "2022-01", "2022-03"]).message(RUN_URL).splitlines()[0]
    assert first_line == ":warning: *Schema change* in `chess/players_games` (partition 2022-01...2022-03)"


def test_the_message_of_one_partition_names_the_month() -> None:
    assert "(partition 2022-02)" in change(["2022-02"]).message(RUN_URL)


def test_the_message_of_an_unpartitioned_asset_names_no_partition() -> None:
    assert change().message(RUN_URL).splitlines()[0] == ":warning: *Schema change* in `chess/players_games`"


def test_the_message_lists_each_tables_new_columns_with_their_types_sorted() -> None:
    assert change().message(RUN_URL).splitlines()[1:3] == [
        "New columns in `players_games`: `accuracy` (double), `termination` (text)",
        "New columns in `players_games__moves`: `clock` (bigint)",
    ]


def test_the_message_ends_with_the_load_id_and_a_link_to_the_run() -> None:
    assert change().message(RUN_URL).splitlines()[-1] == (
        f"dlt load `1718000000.123456` · <{RUN_URL}|run 0f3c2a9e>"
    )
