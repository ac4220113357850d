"""Every game's moves read once, per month, into two warehouse tables beside the games: one row per
move (``game_moves``) and one per game (``game_facts``), which the mart reads as dbt sources.

The step reads the month's PGNs, lets go of the warehouse, parses (in worker processes), then writes
briefly through dlt: on DuckDB the file is not held while python-chess works, and on PostgreSQL
dlt's COPY path writes the tens of millions of rows of a big roster in bulk.
"""

import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import dagster as dg
import dlt
import pyarrow as pa
from dlt.common.destination import TLoaderFileFormat

from chess_dagster.defs.analytics.automation import ON_GAMES_MONTH_UPDATED
from chess_dagster.defs.ingest.keys import GAMES_KEY
from chess_dagster.defs.ingest.partitions import monthly_partitions
from chess_dagster.defs.moves.keys import GAME_FACTS_KEY, GAME_MOVES_KEY
from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster.lib.warehouse import existing_columns, existing_tables, on_duckdb, warehouse_pool
from chess_dagster.moves import (
    FACT_COLUMNS,
    MOVE_COLUMNS,
    GameText,
    MonthRead,
    arrow_schema,
    read_games_in_processes,
)
from chess_dagster.sources.chess_com.tables import GAMES

MOVES_DATASET = "chess_moves"
# What the reader needs of a game; columns older archives lack are read as NULL.
GAME_COLUMNS = ("url", "archive_month", "pgn", "rules", "time_control", "initial_setup")
GAMES_PER_BATCH = 5_000
MOVE_ROWS_PER_LOAD = 5_000_000  # months written together up to about 500 MiB of Arrow


def _spec(key: dg.AssetKey, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key,
        deps=[GAMES_KEY],
        description=description,
        partitions_def=monthly_partitions,
        group_name="chess_moves",
        kinds={"python"},
        automation_condition=ON_GAMES_MONTH_UPDATED,
    )


def month_games(warehouse: ChessWarehouse, months: Sequence[str]) -> list[tuple[str, GameText]]:
    """The months' games as (archive month, what the reader needs), the file let go on return."""
    with warehouse.sql_client() as client:
        if GAMES.name not in existing_tables(client):
            return []
        present = existing_columns(client, GAMES.name)
        columns = ", ".join(name if name in present else f"null as {name}" for name in GAME_COLUMNS)
        table = client.make_qualified_table_name(GAMES.name)
        marks = ", ".join(["%s"] * len(months))
        rows = client.execute_sql(
            f"select {columns} from {table} where archive_month in ({marks}) order by url", *months
        )
    return [
        (month, GameText(url, pgn, rules or "", control or "", setup or ""))
        for (url, month, pgn, rules, control, setup) in rows or []
    ]


def _with_month(columns: dict[str, list], months: list[str], schema: pa.Schema) -> pa.Table:
    """The reader's columns as an Arrow table, with the games' archive month after ``url``.
    ``month`` is never NULL, as dlt's merge-key hint says (else dlt warns that the hints differ);
    ``url`` and ``ply``, which name a row, are NOT NULL in the tables too."""
    for key in ("url", "ply"):
        if key in schema.names:
            index = schema.get_field_index(key)
            schema = schema.set(index, schema.field(index).with_nullable(False))
    table = pa.Table.from_pydict(columns, schema=schema)
    month = pa.field("month", pa.string(), nullable=False)
    return table.add_column(1, month, pa.array(months, pa.string()))


def move_tables(games: list[tuple[str, GameText]], read: MonthRead) -> tuple[pa.Table, pa.Table]:
    """Both tables of the games read, each row with its game's archive month."""
    month_of = {game.url: month for month, game in games}
    moves = _with_month(read.moves, [month_of[url] for url in read.moves["url"]], arrow_schema(MOVE_COLUMNS))
    facts = _with_month(read.facts, [month_of[url] for url in read.facts["url"]], arrow_schema(FACT_COLUMNS))
    return moves, facts


def _resource(tables: list[pa.Table], name: str) -> dlt.sources.DltResource:
    """A month is replaced whole: dlt deletes the months it is given (``merge_key``), then inserts.
    No primary key: rows are unique by construction (a game is in one month, a ply once in a game),
    and dlt's deduplication by key sorts the whole load in DuckDB (out of memory at 7 million rows)."""
    return dlt.resource(
        [table for table in tables if table.num_rows],
        name=name,
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        merge_key="month",
    )


@dataclass
class Pending:
    """Months read and not yet written: written together, in one dlt load, up to a size."""

    months: list[str] = field(default_factory=list)
    tables: dict[str, list[pa.Table]] = field(default_factory=lambda: {"game_moves": [], "game_facts": []})
    # The months a table got no rows of (their games gone): dlt deletes only the months it is given.
    emptied: dict[str, list[str]] = field(default_factory=lambda: {"game_moves": [], "game_facts": []})

    def add(self, month: str, moves: list[pa.Table], facts: list[pa.Table]) -> None:
        self.months.append(month)
        for name, tables in (("game_moves", moves), ("game_facts", facts)):
            self.tables[name] += tables
            if not _rows(tables):
                self.emptied[name].append(month)

    @property
    def move_rows(self) -> int:
        return _rows(self.tables["game_moves"])


def write_months(warehouse: ChessWarehouse, pending: Pending) -> None:
    """One dlt load of both tables' rows of the pending months, which replace those months."""
    with warehouse.pipeline(dataset_name=MOVES_DATASET) as pipeline:
        _delete_months(pipeline, pending.emptied)
        file_format: TLoaderFileFormat = "parquet" if on_duckdb(pipeline.destination) else "csv"  # COPY
        pipeline.run(
            [
                _resource(pending.tables["game_moves"], "game_moves"),
                _resource(pending.tables["game_facts"], "game_facts"),
            ],
            loader_file_format=file_format,
        )


def _rows(tables: list[pa.Table]) -> int:
    return sum(table.num_rows for table in tables)


def _delete_months(pipeline: dlt.Pipeline, months_by_table: dict[str, list[str]]) -> None:
    with pipeline.sql_client() as client:
        if not any(months_by_table.values()) or not client.has_dataset():
            return
        present = existing_tables(client, MOVES_DATASET)
        for name, months in months_by_table.items():
            if name in present and months:
                marks = ", ".join(["%s"] * len(months))
                qualified = client.make_qualified_table_name(name)
                client.execute_sql(f"delete from {qualified} where month in ({marks})", *months)


@dataclass
class MovesRead:
    """What a run read, month after month: its counts and where its seconds went."""

    games: int = 0
    move_rows: int = 0
    fact_rows: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, read: MonthRead) -> None:
        self.counts.update(
            games_read_fully=read.games_read_fully,
            games_read_partly=read.games_read_partly,
            games_without_moves=read.games_without_moves,
        )
        self.reasons.update(read.reasons)


def read_month(
    warehouse: ChessWarehouse, month: str, done: MovesRead
) -> tuple[list[pa.Table], list[pa.Table]]:
    """The month's PGNs read (the warehouse let go), parsed a batch at a time into Arrow: a month's
    rows never all as Python objects."""
    started = time.monotonic()
    games = month_games(warehouse, [month])
    done.seconds["read_s"] += time.monotonic() - started
    moves, facts = [], []
    for first in range(0, len(games), GAMES_PER_BATCH):
        batch = games[first : first + GAMES_PER_BATCH]
        parsing = time.monotonic()
        read = read_games_in_processes([game for _, game in batch], workers=os.cpu_count() or 1)
        done.seconds["parse_s"] += time.monotonic() - parsing
        done.add(read)
        batch_moves, batch_facts = move_tables(batch, read)
        moves.append(batch_moves)
        facts.append(batch_facts)
    done.games += len(games)
    done.move_rows += _rows(moves)
    done.fact_rows += _rows(facts)
    return moves, facts


def read_and_write(warehouse: ChessWarehouse, months: Sequence[str], done: MovesRead) -> None:
    """Each month read, then written with the months before it once they hold enough rows: one
    load for a small range (a load's fixed cost is seconds), several for a big one (memory)."""
    pending = Pending()
    for month in months:
        pending.add(month, *read_month(warehouse, month, done))
        if pending.move_rows >= MOVE_ROWS_PER_LOAD or month == months[-1]:
            writing = time.monotonic()
            write_months(warehouse, pending)
            done.seconds["write_s"] += time.monotonic() - writing
            pending = Pending()


@dg.multi_asset(
    specs=[
        _spec(
            GAME_MOVES_KEY,
            "One row per move of every game with move text (python-chess): clocks, phase, material.",
        ),
        _spec(
            GAME_FACTS_KEY,
            "One row per game: plies, opening line, phases, clocks at the end, how far its moves read.",
        ),
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "moves_read_whole",
            asset=GAME_MOVES_KEY,
            description="WARN when a game's move text stops at an illegal move (moves before it are kept).",
        )
    ],
    pool=warehouse_pool(),
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def chess_moves(
    context: dg.AssetExecutionContext, warehouse: ChessWarehouse
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Read the months' moves and replace those months in both tables."""
    done = MovesRead()
    read_and_write(warehouse, context.partition_keys, done)
    figures = {
        "games": done.games,
        **done.counts,
        **{name: round(seconds, 2) for name, seconds in done.seconds.items()},
        "games_per_s": round(done.games / max(done.seconds["parse_s"], 1e-6)),
    }
    context.log.info("moves of %s: %s", ", ".join(context.partition_keys), figures)
    yield dg.MaterializeResult(asset_key=GAME_MOVES_KEY, metadata={"rows": done.move_rows, **figures})
    yield dg.MaterializeResult(asset_key=GAME_FACTS_KEY, metadata={"rows": done.fact_rows})
    yield dg.AssetCheckResult(
        asset_key=GAME_MOVES_KEY,
        check_name="moves_read_whole",
        passed=done.counts["games_read_partly"] == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "games_read_partly": done.counts["games_read_partly"],
            **{f"reason: {kind}": count for kind, count in done.reasons.items()},
        },
    )
