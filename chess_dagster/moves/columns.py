"""The two tables the move reader fills, declared once: column names in order, with SQL types.

The types are ones DuckDB and Postgres both know, so the warehouse table is declared from here
whichever destination is configured; :func:`arrow_schema` gives the same declaration to Arrow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import pyarrow as pa

Columns = tuple[tuple[str, str], ...]

# One row per move read.
MOVE_COLUMNS: Final[Columns] = (
    ("url", "VARCHAR"),
    ("ply", "INTEGER"),
    ("colour", "VARCHAR"),
    ("san", "VARCHAR"),
    ("uci", "VARCHAR"),
    ("piece", "VARCHAR"),
    ("capture", "VARCHAR"),
    ("promotion", "VARCHAR"),
    ("check", "BOOLEAN"),
    ("mate", "BOOLEAN"),
    ("castling", "VARCHAR"),
    ("clock_seconds", "DOUBLE"),
    ("seconds_spent", "DOUBLE"),
    ("material", "INTEGER"),
    ("phase", "VARCHAR"),
)

# One row per game, also for games whose moves could not be read.
FACT_COLUMNS: Final[Columns] = (
    ("url", "VARCHAR"),
    ("plies", "INTEGER"),
    ("opening_line", "VARCHAR"),
    ("middlegame_ply", "INTEGER"),
    ("endgame_ply", "INTEGER"),
    ("end_phase", "VARCHAR"),
    ("white_clock_end", "DOUBLE"),
    ("black_clock_end", "DOUBLE"),
    ("queens_off_ply", "INTEGER"),
    ("white_castled", "VARCHAR"),
    ("black_castled", "VARCHAR"),
    ("white_time_trouble_ply", "INTEGER"),
    ("black_time_trouble_ply", "INTEGER"),
    ("moves_read", "VARCHAR"),
    ("moves_error", "VARCHAR"),
)

MOVE_COLUMN_NAMES: Final = tuple(name for name, _ in MOVE_COLUMNS)
FACT_COLUMN_NAMES: Final = tuple(name for name, _ in FACT_COLUMNS)


def arrow_schema(columns: Columns) -> pa.Schema:
    """The Arrow schema of a table declared here (pyarrow imported only when asked: workers skip it)."""
    import pyarrow as pa

    arrow_types = {
        "VARCHAR": pa.string(),
        "INTEGER": pa.int32(),
        "DOUBLE": pa.float64(),
        "BOOLEAN": pa.bool_(),
    }
    return pa.schema([pa.field(name, arrow_types[sql_type]) for name, sql_type in columns])
