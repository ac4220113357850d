"""The chess source as Dagster assets through dagster-dlt: one multi-asset, so whatever a run selects
is one step and one dlt load, and a backfill of any range is one run (one titled list)."""

from collections.abc import Iterator, Sequence
from typing import Any

import dagster as dg
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, build_dlt_asset_specs
from dagster_dlt.translator import DltResourceTranslatorData
from dlt import Pipeline
from pydantic import Field

from chess_dagster.defs.ingest.keys import NEWCOMER_COUNT, NEWCOMERS, PLAYERS_ASKED_FOR, table_key
from chess_dagster.defs.ingest.load_history import load_figures, schema_metadata
from chess_dagster.defs.ingest.partitions import monthly_partitions
from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster.lib.settings import settings
from chess_dagster.lib.warehouse import describing_pipeline, warehouse_pool
from chess_dagster.runs.failures import explained_as_failure
from chess_dagster.sources.chess_com.client import DEFAULT_CHESS_URL
from chess_dagster.sources.chess_com.load import LoadReport, load_chess
from chess_dagster.sources.chess_com.progress import LoadProgress
from chess_dagster.sources.chess_com.source import chess
from chess_dagster.sources.chess_com.source_state import ChessState
from chess_dagster.sources.chess_com.tables import GAMES, PLAYERS, TABLE_NAMES, table

# For what outlives dlt's own request retries, an API outage of minutes; an ExplainedError is not retried.
NETWORK_RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=settings().retry_delay_s, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


class ChessDltTranslator(DagsterDltTranslator):
    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        declared = table(data.resource.name)
        return (
            super()
            .get_asset_spec(data)
            .replace_attributes(
                key=table_key(declared.name),
                deps=[table_key(declared.parent)] if declared.parent else [],
                group_name="chess",
                partitions_def=monthly_partitions if declared.by_month else None,
            )
        )


def _chess_asset_specs() -> Sequence[dg.AssetSpec]:
    """Not ``@dlt_assets``: it takes no retry policy and one partitions definition for all its assets,
    where the roster is not partitioned. Every run builds its own source: dagster-dlt mutates its schema.
    """
    # Explicit arguments: a bad setting fails a run, not the loading of the code location.
    describing_source = chess(
        chess_url=DEFAULT_CHESS_URL, titles=["GM"], max_players=1, max_concurrency=1, months=[]
    )
    with describing_pipeline(settings().duckdb_path) as pipeline:
        return build_dlt_asset_specs(
            dlt_source=describing_source.with_resources(*TABLE_NAMES),
            dlt_pipeline=pipeline,
            dagster_dlt_translator=ChessDltTranslator(),
        )


class ChessLoadConfig(dg.Config):
    """Run configuration of a load (UI launchpad, or ``--config`` on the CLI)."""

    recheck_closed_months: bool = False
    """Ask Chess.com again (conditionally, ETag) for closed months already loaded."""
    progress_every_s: float = 3.0
    """Seconds between the lines that tell how far each phase of the load is (``chess_com/progress.py``)."""
    players: list[str] = Field(default_factory=list)
    """Only these players of the roster (``chess/players``) have their games asked for; empty: all of
    them. The newcomers' runs set it (``defs/rosters``)."""


def _run_chess(
    context: dg.AssetExecutionContext,
    dlt: DagsterDltResource,
    warehouse: ChessWarehouse,
    tables: Sequence[str],
    months: Sequence[str],
    config: ChessLoadConfig,
) -> Iterator[dg.MaterializeResult]:
    state = ChessState(only=frozenset(name.lower() for name in config.players))
    with explained_as_failure():  # a bad progress_every_s is told before anything is opened
        progress = LoadProgress(state.requests, state.progress, config.progress_every_s)
    with explained_as_failure(), warehouse.pipeline() as pipeline:
        report = load_chess(pipeline, tables, months, config.recheck_closed_months, state, progress)
        if not report.history_written:
            context.log.info("nothing changed at Chess.com: no rows loaded, no load history written")
        results = [_materialization(context, dlt, pipeline, report, name) for name in tables]
    yield from results


def _materialization(
    context: dg.AssetExecutionContext,
    dlt: DagsterDltResource,
    pipeline: Pipeline,
    report: LoadReport,
    name: str,
) -> dg.MaterializeResult:
    if name in report.unchanged:
        metadata: dict[str, Any] = {"dlt_load_id": "", "rows_loaded": 0, "unchanged": report.unchanged[name]}
    else:
        assert report.load_info is not None and report.source is not None, "a loaded table has a load"
        resource = report.source.resources[name]
        metadata = {
            **dlt.extract_resource_metadata(context, resource, report.load_info, pipeline),
            **schema_metadata(report.load_info, name, report.tables_before),
        }
    metadata.update(load_figures(report.state.requests, report.trace))
    if name == GAMES.name:
        metadata["rows_by_month"] = dg.MetadataValue.json(report.games_by_month)
    if name == PLAYERS.name:
        metadata[PLAYERS_ASKED_FOR] = report.players_asked_for
        metadata.update(_roster_metadata(context, report))
    if report.state.closed_accounts:
        metadata["closed_accounts_skipped"] = len(report.state.closed_accounts)
    return dg.MaterializeResult(asset_key=table_key(name), metadata=metadata)


def _roster_metadata(context: dg.AssetExecutionContext, report: LoadReport) -> dict[str, Any]:
    """The newcomers, for ``defs/rosters``' sensor; a list Chess.com answered only in part (a country
    past 10,000) is said where it is seen."""
    newcomers = report.newcomers
    metadata: dict[str, Any] = {NEWCOMER_COUNT: len(newcomers), NEWCOMERS: dg.MetadataValue.json(newcomers)}
    reduced = report.state.roster().reduced
    for words in reduced:
        context.log.warning(f"Chess.com answered a list in part: {words}")
    if reduced:
        metadata["lists_answered_in_part"] = dg.MetadataValue.json(reduced)
    return metadata


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
    tables = [name for name in TABLE_NAMES if table_key(name) in selected]
    months = context.partition_keys if table_key(GAMES.name) in selected else []
    if months:
        context.log.info(f"loading games for {len(months)} month(s): {months[0]}..{months[-1]}")
    yield from _run_chess(context, dlt, warehouse, tables, months, config)
