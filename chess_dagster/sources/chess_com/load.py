"""One load of the chess source without Dagster, so a script or a test can run it on a bare dlt
pipeline: read the ledgers, run dlt, then write the load history and the ledgers (docs/data.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.common.pipeline import LoadInfo
from dlt.common.runtime.collector import Collector
from dlt.common.schema.typing import TDataType, TTableSchemaColumns
from dlt.extract import DltResource, DltSource
from dlt.pipeline.trace import PipelineTrace

from chess_dagster.lib.warehouse import existing_tables, index_keys, loader_file_format
from chess_dagster.sources.chess_com.columnar import import_what_arrow_imports_lazily
from chess_dagster.sources.chess_com.ledgers import (
    ProfileLedger,
    StatsLedger,
    read_archive_ledger,
    read_loaded_players,
)
from chess_dagster.sources.chess_com.roster import read_open_memberships
from chess_dagster.sources.chess_com.source import chess
from chess_dagster.sources.chess_com.source_state import ChessState, Ledgers
from chess_dagster.sources.chess_com.tables import CLUBS, COUNTRIES, GAMES, PLAYERS, ROSTER_MEMBERS

# The tables made from the lists themselves: a load of any of them reads the lists; other loads take
# the roster the warehouse holds.
LISTED_TABLES = (PLAYERS.name, ROSTER_MEMBERS.name, CLUBS.name, COUNTRIES.name)


@dataclass
class LoadReport:
    tables: list[str]
    months: list[str]
    state: ChessState
    tables_before: set[str]
    unchanged: dict[str, str] = field(default_factory=dict)
    games_by_month: dict[str, int] = field(default_factory=dict)
    players: set[str] = field(default_factory=set)
    source: DltSource | None = None
    load_info: LoadInfo | None = None
    trace: PipelineTrace | None = None
    history_written: bool = False

    @property
    def loaded(self) -> list[str]:
        return [name for name in self.tables if name not in self.unchanged]

    @property
    def players_asked_for(self) -> int:
        return len(self.players)

    @property
    def newcomers(self) -> list[str]:
        """Players this load put on a roster the warehouse already held, in the roster's order; none
        for a first roster (a backfill covers it) or a load that did not write the players."""
        before = self.state.loaded_players
        if before is None or PLAYERS.name not in self.loaded:
            return []
        known = {name.lower() for name in before}
        return [name for name in self.state.players_now() if name not in known]

    def rows(self, table: str) -> int:
        counts = (
            self.trace.last_normalize_info.row_counts if self.trace and self.trace.last_normalize_info else {}
        )
        return int(counts.get(table, 0))


def load_chess(
    pipeline: dlt.Pipeline,
    tables: Sequence[str],
    months: Sequence[str],
    recheck_closed_months: bool = False,
    state: ChessState | None = None,
    collector: Collector | None = None,
) -> LoadReport:
    """``state`` is the caller's, to read its counters while the load runs, and to narrow the games
    to some of the roster's players (``ChessState.only``)."""
    shared = state if state is not None else ChessState()
    with pipeline.sql_client() as client:
        tables_before = existing_tables(client)
        shared.ledgers = Ledgers(
            archives=read_archive_ledger(client, months, tables_before),
            profiles=ProfileLedger.read(client, tables_before),
            stats=StatsLedger.read(client, tables_before),
        )
        shared.loaded_players = read_loaded_players(client, tables_before)
        shared.stored_memberships = read_open_memberships(client, tables_before)
    shared.read_lists = bool(set(tables) & set(LISTED_TABLES))
    source = chess(months=months, recheck_closed_months=recheck_closed_months, state=shared)
    # Before dlt runs: a bad setting or a run's player not on the roster fails in one line.
    shared.roster()
    if GAMES.name in tables:
        shared.players_of_games()
    report = LoadReport(list(tables), list(months), shared, tables_before, shared.nothing_to_do(tables))
    report.source = source
    _count(source, report)
    if GAMES.name in report.loaded:
        import_what_arrow_imports_lazily()
    if report.loaded:
        report.load_info = _run(pipeline, source.with_resources(*report.loaded), collector)
        report.trace = pipeline.last_trace
    if report.load_info and report.trace and (data_rows(report.trace) or shared.ledgers.learnt()):
        ledgers = [ledger.resource() for ledger in shared.ledgers.all()]
        index_keys(ledgers, pipeline.destination)
        save_load_history(pipeline, report.load_info, ledgers)
        report.history_written = True
    return report


def _run(pipeline: dlt.Pipeline, source: DltSource, collector: Collector | None) -> LoadInfo:
    """``collector`` for this load only, not the load history's small load after it."""
    index_keys(source.selected_resources.values(), pipeline.destination)
    quiet = pipeline.collector
    if collector is not None:
        pipeline.collector = collector
    try:
        # None is dlt's own default; its type hint leaves it out.
        load_info = pipeline.run(source, loader_file_format=loader_file_format(pipeline.destination))  # type: ignore[arg-type]
    finally:
        pipeline.collector = quiet
    load_info.raise_on_failed_jobs()
    return load_info


def _count(source: DltSource, report: LoadReport) -> None:
    report.games_by_month.update(dict.fromkeys(report.months, 0))
    if GAMES.name in report.loaded:
        source.resources[GAMES.name].add_map(lambda games: _count_months(games, report.games_by_month))
    if PLAYERS.name in report.loaded:
        source.resources[PLAYERS.name].add_map(lambda player: _note_player(player, report.players))
    else:
        report.players.update(report.state.loaded_players or [])


def _note_player(player: dict[str, str], players: set[str]) -> dict[str, str]:
    players.add(player["username"])
    return player


def _count_months(games: pa.Table, by_month: dict[str, int]) -> pa.Table:
    counted = pc.value_counts(games.column("archive_month"))
    months, counts = counted.field("values").to_pylist(), counted.field("counts").to_pylist()
    for month, count in zip(months, counts, strict=True):
        by_month[str(month)] = by_month.get(str(month), 0) + int(count or 0)
    return games


def data_rows(trace: PipelineTrace) -> int:
    normalized = trace.last_normalize_info
    counts = normalized.row_counts if normalized else {}
    return sum(rows for table, rows in counts.items() if not table.startswith("_dlt"))


TEXT: TDataType = "text"


def _nullable(data_type: TDataType, *names: str) -> TTableSchemaColumns:
    """Fields a successful load leaves empty: untyped, dlt cannot create them and warns at length."""
    return {name: {"data_type": data_type, "nullable": True} for name in names}


def save_load_history(pipeline: dlt.Pipeline, load_info: LoadInfo, ledgers: Sequence[DltResource]) -> None:
    """In the data's file format: as INSERTs, a backfill's ledger rows made DuckDB's SQL parser the
    run's memory peak."""
    trace = pipeline.last_trace
    new_tables = [package.asdict()["tables"] for package in load_info.load_packages]
    pipeline.run(
        [
            dlt.resource(
                [load_info],
                name="_load_info",
                columns=_nullable(
                    TEXT, "environment", "staging_name", "staging_type", "staging_displayable_credentials"
                ),
                nested_hints={
                    "load_packages": dlt.mark.make_nested_hints(columns=_nullable(TEXT, "refresh")),
                    "job_metrics": dlt.mark.make_nested_hints(columns=_nullable(TEXT, "remote_url")),
                },
            ),
            dlt.resource(
                [trace],
                name="_trace",
                nested_hints={
                    "steps": dlt.mark.make_nested_hints(
                        columns={**_nullable(TEXT, "step_exception"), **_nullable("json", "exception_traces")}
                    )
                },
            ),
            dlt.resource(new_tables, name="_new_tables"),
            *ledgers,
        ],
        loader_file_format=loader_file_format(pipeline.destination),  # type: ignore[arg-type]
    )
