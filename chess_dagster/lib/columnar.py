"""Games as Arrow tables: dlt's columnar route, the same columns its row-by-row normalizer makes.

dlt normalizes dict rows one by one in Python (~10,000 games/s here); an Arrow table goes to a
parquet file at extract and is loaded by the warehouse's bulk reader (normalize and load at 42,000
games/s for 33,000 games, 97,000 for 906,000: ``make bench``, ``make bench-scale``). The table
has the columns dlt would have made of the same games, so the warehouse schema, the checks and
the drift messages cannot tell the routes apart:

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

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

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
