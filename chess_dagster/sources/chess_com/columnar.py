"""Games as Arrow tables, dlt's columnar route, with the columns its row-by-row normalizer would make,
so the schema, the checks and the drift messages cannot tell the routes apart (docs/data.md).

``GAME_TYPES`` types the fields a batch could infer wrongly (a whole accuracy as an integer).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple, cast

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json
from dlt.common.json import json as fast_json

log = logging.getLogger(__name__)

TIMESTAMP = pa.timestamp("us", tz="UTC")
GAME_TYPES: Mapping[str, pa.DataType] = {
    "end_time": TIMESTAMP,
    "start_time": TIMESTAMP,
    "rated": pa.bool_(),
    "white__rating": pa.int64(),
    "black__rating": pa.int64(),
    "accuracies__white": pa.float64(),
    "accuracies__black": pa.float64(),
}


def import_what_arrow_imports_lazily() -> None:
    """Call before dlt's extract threads start: ``pa.array()`` imports pandas on first use, and in a
    thread that races dlt's ``is_pandas_frame()``, which fails on the half-imported module. Not at
    import, so runs that extract no games do not pay for pandas."""
    with contextlib.suppress(ImportError):  # without pandas (the code location's image) nothing races
        import pandas  # noqa: F401


def flatten(row: Mapping[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in row.items():
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                flat[f"{name}__{inner}"] = inner_value
        else:
            flat[name] = value
    return flat


def _column(name: str, values: list[Any]) -> pa.Array:
    known = GAME_TYPES.get(name)
    if known == TIMESTAMP:
        micros = [None if v is None else int(v) * 1_000_000 for v in values]
        return pa.array(micros, pa.int64()).cast(TIMESTAMP)
    if known is not None:
        return pa.array(values, known)
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        log.warning("games field %r mixes value types; loaded as JSON text", name)
        return pa.array([None if v is None else json.dumps(v) for v in values], pa.string())


def games_table(games: Iterable[Mapping[str, Any]], primary_key: str = "url") -> pa.Table:
    rows = [flatten(game) for game in games]
    names = list(dict.fromkeys(name for row in rows for name in row))
    fields, arrays = [], []
    for name in names:
        array = _column(name, [row.get(name) for row in rows])
        # dlt makes the primary key NOT NULL; saying so here keeps it from warning per batch.
        fields.append(pa.field(name, array.type, nullable=name != primary_key))
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


class ArchiveBody(NamedTuple):
    body: bytes
    games: int


def checked_archive(body: bytes) -> ArchiveBody:
    """Raises ValueError on a truncated or garbled body, so the HTTP client asks again."""
    document = fast_json.loadb(body)
    if not isinstance(document, dict) or not isinstance(document.get("games"), list):
        raise ValueError("a month archive is a JSON object with a 'games' list")
    return ArchiveBody(body, len(document["games"]))


def archives_table(archives: Mapping[str, bytes], primary_key: str = "url") -> pa.Table | None:
    """All the bodies in one call, as the reader's fixed cost per call dominates; where Arrow cannot
    (a field whose value types differ between games), the dict route keeps it as JSON text."""
    months = list(archives)
    joined = b"\n".join(archives.values())
    try:
        games = pa_json.read_json(
            pa.BufferReader(joined),  # type: ignore[arg-type]  # the stubs leave out Arrow's own files
            read_options=pa_json.ReadOptions(use_threads=False, block_size=len(joined) + 1),
            parse_options=pa_json.ParseOptions(newlines_in_values=True),
        ).column("games")
    except pa.ArrowInvalid:
        return _archives_table_by_rows(archives, primary_key)
    by_month = cast(pa.ListArray, games.combine_chunks())
    structs = by_month.flatten()
    if not isinstance(structs, pa.StructArray):  # no month had a game
        return None
    columns: dict[str, pa.Array] = dict(_flat_columns(structs, prefix="", levels=1))
    month_of_game = pc.list_parent_indices(by_month)
    columns["archive_month"] = pa.array(months, pa.string()).take(month_of_game)
    return _table({name: _typed(name, values) for name, values in columns.items()}, primary_key)


def _archives_table_by_rows(archives: Mapping[str, bytes], primary_key: str) -> pa.Table | None:
    games = [
        {**game, "archive_month": month}
        for month, body in archives.items()
        for game in fast_json.loadb(body)["games"]
    ]
    return games_table(games, primary_key) if games else None


def _flat_columns(struct: pa.StructArray, prefix: str, levels: int) -> Iterator[tuple[str, pa.Array]]:
    for field, values in zip(struct.type, struct.flatten(), strict=True):
        name = prefix + field.name
        if levels and isinstance(values, pa.StructArray):
            yield from _flat_columns(values, f"{name}__", levels - 1)
        else:
            yield name, values


def _typed(name: str, values: pa.Array) -> pa.Array:
    known = GAME_TYPES.get(name)
    if known is None or values.type == known:
        return values
    try:
        if known == TIMESTAMP:
            seconds = values.cast(pa.int64())
            return pc.multiply(seconds, 1_000_000).cast(TIMESTAMP)
        return values.cast(known)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _column(name, values.to_pylist())


def _table(columns: Mapping[str, pa.Array], primary_key: str) -> pa.Table:
    fields = [pa.field(name, values.type, nullable=name != primary_key) for name, values in columns.items()]
    return pa.Table.from_arrays(list(columns.values()), schema=pa.schema(fields))
