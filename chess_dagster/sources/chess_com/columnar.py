"""Games as Arrow tables: dlt's columnar route, the same columns its row-by-row normalizer makes.

dlt normalizes dict rows one by one in Python; an Arrow table goes to a parquet file at extract
and is loaded by the warehouse's bulk reader (the rates: ``make bench``, ``make bench-scale``). A
player's archives go from their HTTP bodies to one table through Arrow's JSON reader
(``archives_table``): C++ that releases the GIL, where ``json.loads`` and building the columns
from dicts hold it for several times as long. The table has the columns dlt would have made of the same games,
so the warehouse schema, the checks and the drift messages cannot tell the routes apart:

* nested objects (``white``, ``black``, ``accuracies``) are flattened one level into
  ``white__rating``, ... as with ``max_table_nesting=1`` (dlt then normalizes the names:
  ``white__@id`` becomes ``white__aid``); deeper objects stay whole and land as ``json``;
* fields whose type a batch could get wrong are typed here: epoch seconds become UTC timestamps,
  ratings integers, accuracies floats even when a value is whole;
* a field seen for the first time gets the type Arrow infers, so a new field still reaches the
  schema and the drift sensor; values Arrow cannot put in one column are kept as JSON text.

One difference remains: a list inside a game (none is documented) lands as a ``json`` column, where
the row route would make a child table.
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
    """Import pandas, which ``pa.array()`` of Python objects imports on first use (pyarrow asks
    whether they are pandas objects): call it before dlt's extract threads start.

    Done inside an extract thread, that import races dlt's ``is_pandas_frame()`` in the others,
    which finds the module half-imported in ``sys.modules`` and fails the extract. Not done at
    import: a run that extracts no games (warm, roster, mart) would pay a third of a second for it.
    """
    with contextlib.suppress(ImportError):  # without pandas (the code location's image) nothing races
        import pandas  # noqa: F401


def flatten(row: Mapping[str, Any]) -> dict[str, Any]:
    """``{"white": {"rating": 1}}`` -> ``{"white__rating": 1}``, one level deep."""
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
    """The games as one Arrow table; columns in first-seen order, ``primary_key`` not nullable."""
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
    """A month archive's body as fetched, and how many games it lists (what the ledger records)."""

    body: bytes
    games: int


def checked_archive(body: bytes) -> ArchiveBody:
    """A month archive's body, once it is known to be a JSON object with a ``games`` list (orjson,
    a small part of a request's cost): the HTTP client retries a body this rejects.

    Raises:
        ValueError: the body is not such an object (truncated, garbled by a proxy).
    """
    document = fast_json.loadb(body)
    if not isinstance(document, dict) or not isinstance(document.get("games"), list):
        raise ValueError("a month archive is a JSON object with a 'games' list")
    return ArchiveBody(body, len(document["games"]))


def archives_table(archives: Mapping[str, bytes], primary_key: str = "url") -> pa.Table | None:
    """Archive bodies by month (checked by ``checked_archive``) as one table of their games, as
    ``games_table`` makes it, each game tagged with its ``archive_month``; ``None`` without games.

    Arrow's JSON reader parses all the bodies in one call, one row per month: per month, its fixed
    cost made it three times slower. Where it cannot (a field whose value types differ between
    games), the games go the dict route, which keeps such a field as JSON text.
    """
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
    """A struct's fields as columns, nested structs flattened ``levels`` deep (``white__rating``)."""
    for field, values in zip(struct.type, struct.flatten(), strict=True):
        name = prefix + field.name
        if levels and isinstance(values, pa.StructArray):
            yield from _flat_columns(values, f"{name}__", levels - 1)
        else:
            yield name, values


def _typed(name: str, values: pa.Array) -> pa.Array:
    """``values`` in the type ``GAME_TYPES`` gives ``name``; as Arrow inferred it otherwise."""
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
