"""The chess source as Dagster assets, through dagster-dlt: one multi-asset, ``chess_source``.

* ``chess/players`` and ``chess/players_profiles``: unpartitioned;
* ``chess/players_games``: one partition per month; a backfill of any range of months runs as a
  single run (one titled list, one archive list per player, for the range).

What a run selects is loaded by one step in one dlt load: the roster alone (weekly), a month of
games (daily), or players, profiles and the games of a range together (``chess_source_job``,
``chess-load all``), which costs one run's start-up and one load instead of two.

It writes the warehouse, so it runs in the warehouse's concurrency pool (``chess_duckdb`` by
default). What the source fetched is remembered in ``players_archives`` and
``players_profiles_fetched`` (``lib/ledgers.py``).
"""

from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from typing import Any

import dagster as dg
import pyarrow as pa
import pyarrow.compute as pc
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, build_dlt_asset_specs
from dagster_dlt.translator import DltResourceTranslatorData
from dlt import Pipeline
from dlt.extract import DltSource

from chess_dagster.defs.ingest.keys import GAMES_KEY, PLAYERS_ASKED_FOR, PLAYERS_KEY
from chess_dagster.defs.ingest.load_history import (
    data_rows,
    load_figures,
    save_load_history,
    schema_metadata,
)
from chess_dagster.defs.ingest.partitions import monthly_partitions
from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster.lib.client import DEFAULT_CHESS_URL, RequestStats
from chess_dagster.lib.ledgers import read_ledger, read_loaded_players, read_profile_ledger
from chess_dagster.lib.progress import LoadProgress, SourceProgress
from chess_dagster.lib.settings import settings
from chess_dagster.lib.source import chess
from chess_dagster.lib.warehouse import (
    describing_pipeline,
    existing_tables,
    index_keys,
    loader_file_format,
    warehouse_pool,
)
from chess_dagster.runs.failures import explained_as_failure

# The source's resources in the order their assets depend on each other (results are yielded so).
RESOURCES = ("players", "players_profiles", "players_games")

# Network steps retry on their own (dlt's requests helper); this covers what outlives that, an API
# outage of minutes. Errors a retry cannot fix (bad settings, an unusable or still-locked DuckDB
# file) fail at once: their ExplainedError is not retryable.
NETWORK_RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=settings().retry_delay_s, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


class ChessDltTranslator(DagsterDltTranslator):
    """Keys ``chess/<table>``, group ``chess``; everything hangs off ``chess/players``; the games
    are partitioned by month."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        resource = data.resource
        return (
            super()
            .get_asset_spec(data)
            .replace_attributes(
                key=dg.AssetKey(["chess", resource.name]),
                deps=[] if resource.name == "players" else [PLAYERS_KEY],
                group_name="chess",
                partitions_def=monthly_partitions if resource.name == "players_games" else None,
            )
        )


def _chess_asset_specs() -> Sequence[dg.AssetSpec]:
    """dagster-dlt's specs, exactly as ``@dlt_assets`` builds them; the source and pipeline here
    only describe the assets: every run builds its own (dagster-dlt mutates the schema of the
    source it runs).

    Not ``@dlt_assets`` itself: it takes no retry policy, and one partitions definition for all
    its assets, where the roster is not partitioned.
    """
    # Explicit arguments, and a pipeline away from the data: a bad setting or DuckDB path fails a
    # run, not the loading of the code location.
    describing_source = chess(
        chess_url=DEFAULT_CHESS_URL, title="GM", max_players=1, players=None, max_concurrency=1, months=[]
    )
    with describing_pipeline(settings().duckdb_path) as pipeline:
        return build_dlt_asset_specs(
            dlt_source=describing_source.with_resources(*RESOURCES),
            dlt_pipeline=pipeline,
            dagster_dlt_translator=ChessDltTranslator(),
        )


def _table_of(result: dg.MaterializeResult | dg.AssetMaterialization) -> str:
    assert result.asset_key is not None, "dagster-dlt names the asset of every result"
    return result.asset_key.path[-1]


# Why a selected resource comes deselected from the source: it has nothing to ask or to write.
UNCHANGED = {
    "players": "Chess.com lists the players the warehouse holds",
    "players_profiles": "every profile is fresh (Cache-Control: max-age)",
    "players_games": "every month is closed and loaded",
}


class ChessLoadConfig(dg.Config):
    """Run configuration of a load (UI launchpad, or ``--config`` on the CLI)."""

    recheck_closed_months: bool = False
    """Ask Chess.com again (conditionally, ETag) for closed months already loaded."""
    progress_every_s: float = 3.0
    """Seconds between the lines that tell how far each phase of the load is (``lib/progress.py``)."""


class _Tally:
    """What a load counts on its way through extract, for its materializations: games per archive
    month (``rows_by_month``) and the players it asked for (``players_asked_for``, what
    ``players_row_count`` holds the table to, also in a checks-only run)."""

    def __init__(self, months: Sequence[str]) -> None:
        self.months = months
        self.rows_by_month: Counter[str] = Counter()
        self.players: set[str] = set()

    def watch(self, source: DltSource, asked: Collection[str], loaded: Collection[str] | None) -> None:
        """Count what the ``asked`` resources yield; ``loaded``: the players the warehouse holds."""
        if "players_games" in asked:
            source.resources["players_games"].add_map(self._count_months)
        if "players" in asked:
            source.resources["players"].add_map(self._note_player)
        else:  # unchanged: the players asked for are those the warehouse holds
            self.players.update(loaded or [])

    def _count_months(self, games: pa.Table) -> pa.Table:
        counted = pc.value_counts(games.column("archive_month"))
        months, counts = counted.field("values").to_pylist(), counted.field("counts").to_pylist()
        self.rows_by_month.update({str(m): int(n or 0) for m, n in zip(months, counts, strict=True)})
        return games

    def _note_player(self, player: dict[str, str]) -> dict[str, str]:
        self.players.add(player["username"])
        return player

    def metadata(self, asset_key: dg.AssetKey | None) -> dict[str, Any]:
        if asset_key == GAMES_KEY:
            return {"rows_by_month": dg.MetadataValue.json({m: self.rows_by_month[m] for m in self.months})}
        if asset_key == PLAYERS_KEY:
            return {PLAYERS_ASKED_FOR: len(self.players)}
        return {}


def _run_chess(
    context: dg.AssetExecutionContext,
    dlt: DagsterDltResource,
    warehouse: ChessWarehouse,
    resources: Sequence[str],
    months: Sequence[str],
    config: ChessLoadConfig,
) -> Iterator[dg.MaterializeResult]:
    """Load the chosen resources into the warehouse; explained errors fail in one line (failures.py).

    A resource with nothing to ask Chess.com for or to write comes deselected from the source; it
    is materialized without a load, and when every one is so, dlt does not run at all. What the
    load counts (``_Tally``), its requests and the source's work go on the materializations, the
    progress lines and the load figures.
    """
    tally, request_stats, source_progress = _Tally(months), RequestStats(), SourceProgress()
    with explained_as_failure():  # a bad progress_every_s is told before anything is opened
        progress = LoadProgress(request_stats, source_progress, config.progress_every_s)
    with explained_as_failure(), warehouse.pipeline() as pipeline:
        with pipeline.sql_client() as client:
            tables_before = existing_tables(client)
            ledger = read_ledger(client, months, tables_before)
            profile_ledger = read_profile_ledger(client, tables_before)
            loaded_players = read_loaded_players(client, tables_before)
        source = chess(
            months=months,
            recheck_closed_months=config.recheck_closed_months,
            archives=ledger,
            profiles=profile_ledger,
            loaded_players=loaded_players,
            request_stats=request_stats,
            progress=source_progress,
        )
        asked = [name for name in resources if source.resources[name].selected]
        results = [_unchanged(name) for name in resources if name not in asked]
        tally.watch(source, asked, loaded_players)
        if asked:
            results += _loaded(context, dlt, pipeline, source.with_resources(*asked), tables_before, progress)
        learnt = any(known.rows() for known in (ledger, profile_ledger))
        trace = pipeline.last_trace  # None when dlt did not run
        load_info = trace.last_load_info if trace else None
        if trace and load_info and (data_rows(trace) or learnt):
            ledgers = [ledger.resource(), profile_ledger.resource()]
            index_keys(ledgers, pipeline.destination)
            save_load_history(pipeline, load_info, ledgers)
        else:
            context.log.info("nothing changed at Chess.com: no rows loaded, no load history written")
    figures = load_figures(request_stats, trace)
    for result in sorted(results, key=lambda r: RESOURCES.index(_table_of(r))):
        metadata = {**(result.metadata or {}), **figures, **tally.metadata(result.asset_key)}
        yield dg.MaterializeResult(asset_key=result.asset_key, metadata=metadata)


def _unchanged(resource: str) -> dg.MaterializeResult:
    """The materialization of a resource the source had nothing to ask or write for."""
    return dg.MaterializeResult(
        asset_key=dg.AssetKey(["chess", resource]),
        metadata={"dlt_load_id": "", "rows_loaded": 0, "unchanged": UNCHANGED[resource]},
    )


def _loaded(
    context: dg.AssetExecutionContext,
    dlt: DagsterDltResource,
    pipeline: Pipeline,
    source: DltSource,
    tables_before: Collection[str],
    progress: LoadProgress,
) -> list[dg.MaterializeResult]:
    """dagster-dlt's run of ``source``: its materializations, with the load's schema metadata.

    ``progress`` is the pipeline's collector for this load only (as ``dlt.pipeline(progress=)``
    would set it), not for the load history's small load after it.
    """
    index_keys(source.selected_resources.values(), pipeline.destination)
    quiet, pipeline.collector = pipeline.collector, progress
    try:
        results = list(
            dlt.run(
                context=context,
                dlt_source=source,
                dlt_pipeline=pipeline,
                loader_file_format=loader_file_format(pipeline.destination),
            )
        )
    finally:
        pipeline.collector = quiet
    load_info = pipeline.last_trace.last_load_info if pipeline.last_trace else None
    assert load_info is not None, "dlt.run returned without a load"
    loaded: list[dg.MaterializeResult] = []
    for result in results:
        metadata: dict[str, Any] = {
            **(result.metadata or {}),
            **schema_metadata(load_info, _table_of(result), tables_before),
        }
        loaded.append(dg.MaterializeResult(asset_key=result.asset_key, metadata=metadata))
    return loaded


@dg.multi_asset(
    name="chess_source",
    specs=_chess_asset_specs(),
    can_subset=True,
    backfill_policy=dg.BackfillPolicy.single_run(),
    retry_policy=NETWORK_RETRY_POLICY,
    pool=warehouse_pool(),
)
def chess_source(
    context: dg.AssetExecutionContext,
    config: ChessLoadConfig,
    dlt: DagsterDltResource,
    warehouse: ChessWarehouse,
):
    """The selected tables of the chess source, in one dlt load.

    Games: each player's games that ended in the run's months, Chess.com's months in US Pacific
    time. Closed months already loaded are skipped unless ``recheck_closed_months`` is set; the
    month in progress is always asked for again.
    """
    selected = context.selected_asset_keys
    resources = [name for name in RESOURCES if dg.AssetKey(["chess", name]) in selected]
    months = context.partition_keys if GAMES_KEY in selected else []
    if months:
        context.log.info(f"loading games for {len(months)} month(s): {months[0]}..{months[-1]}")
    yield from _run_chess(context, dlt, warehouse, resources, months, config)
