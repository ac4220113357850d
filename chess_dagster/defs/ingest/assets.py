"""The chess source as Dagster assets, through dagster-dlt.

Two multi-assets over one dlt pipeline:

* ``chess_roster``: ``chess/players`` and ``chess/players_profiles``, unpartitioned;
* ``chess_games``: ``chess/players_games``, one partition per month, and a backfill of any range
  of months runs as a single run (one titled list, one archive list per player, for the range).

Both write the warehouse, so both run in its concurrency pool (``chess_duckdb`` by default). The
games remember which archives they loaded in ``players_archives`` (``lib/archives.py``).
"""

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import dagster as dg
import pyarrow as pa
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, build_dlt_asset_specs
from dagster_dlt.translator import DltResourceTranslatorData
from dlt.pipeline.trace import PipelineTrace

from chess_dagster.defs.ingest.keys import GAMES_KEY, PLAYERS_KEY
from chess_dagster.defs.ingest.load_history import save_load_history, schema_metadata
from chess_dagster.defs.ingest.partitions import monthly_partitions
from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster.lib.archives import archives_resource, read_ledger
from chess_dagster.lib.client import DEFAULT_CHESS_URL
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

ROSTER_RESOURCES = ("players", "players_profiles")
GAMES_RESOURCES = ("players_games",)

# Network steps retry on their own (dlt's requests helper); this covers what outlives that, an API
# outage of minutes. Errors a retry cannot fix (bad settings, an unusable or still-locked DuckDB
# file) fail at once: their ExplainedError is not retryable.
NETWORK_RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=settings().retry_delay_s, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


class ChessDltTranslator(DagsterDltTranslator):
    """Keys ``chess/<table>``, group ``chess``; everything hangs off ``chess/players``."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        resource = data.resource
        return (
            super()
            .get_asset_spec(data)
            .replace_attributes(
                key=dg.AssetKey(["chess", resource.name]),
                deps=[] if resource.name == "players" else [PLAYERS_KEY],
                group_name="chess",
            )
        )


def _chess_dlt_assets(
    name: str, resources: Sequence[str], partitions_def: dg.PartitionsDefinition | None = None
):
    """``@dlt_assets`` with a retry policy, which ``@dlt_assets`` itself has no parameter for.

    The specs come from dagster-dlt's ``build_dlt_asset_specs``, exactly as ``@dlt_assets``
    builds them; the source and pipeline there only describe the assets: every run builds its
    own (dagster-dlt mutates the schema of the source it runs).
    """
    # Explicit arguments, and a pipeline away from the data: a bad setting or DuckDB path fails a
    # run, not the loading of the code location.
    describing_source = chess(
        chess_url=DEFAULT_CHESS_URL, title="GM", max_players=1, players=None, max_concurrency=1, months=[]
    )
    with describing_pipeline(settings().duckdb_path) as pipeline:
        specs = build_dlt_asset_specs(
            dlt_source=describing_source.with_resources(*resources),
            dlt_pipeline=pipeline,
            dagster_dlt_translator=ChessDltTranslator(),
        )
    return dg.multi_asset(
        name=name,
        specs=specs,
        can_subset=True,
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions_def else None,
        retry_policy=NETWORK_RETRY_POLICY,
        pool=warehouse_pool(),
    )


def _loaded_data(trace: PipelineTrace) -> bool:
    """Whether the load wrote rows to a data table (not only dlt's own state)."""
    normalized = trace.last_normalize_info
    counts = normalized.row_counts if normalized else {}
    return any(rows for table, rows in counts.items() if not table.startswith("_dlt"))


def _run_chess(
    context: dg.AssetExecutionContext,
    dlt: DagsterDltResource,
    warehouse: ChessWarehouse,
    resources: Sequence[str],
    months: Sequence[str],
    recheck_closed_months: bool = False,
) -> Iterator[dg.MaterializeResult]:
    """Load the chosen resources into the warehouse; explained errors fail in one line (failures.py).

    Games are counted per archive month on their way through extract; the counts go on the
    materialization as ``rows_by_month`` for the row-count checks to compare with the warehouse.
    """
    rows_by_month: Counter[str] = Counter()

    def count_months(games: pa.Table) -> pa.Table:
        rows_by_month.update(map(str, games.column("archive_month").to_pylist()))
        return games

    with explained_as_failure(), warehouse.pipeline() as pipeline:
        with pipeline.sql_client() as client:
            tables_before = existing_tables(client)
            ledger = read_ledger(client, months, tables_before)
        source = chess(months=months, recheck_closed_months=recheck_closed_months, archives=ledger)
        source = source.with_resources(*resources)
        index_keys(source.selected_resources.values(), pipeline.destination)
        if "players_games" in resources:
            source.resources["players_games"].add_map(count_months)
        results = list(
            dlt.run(
                context=context,
                dlt_source=source,
                dlt_pipeline=pipeline,
                loader_file_format=loader_file_format(pipeline.destination),
            )
        )
        trace = pipeline.last_trace
        load_info = trace.last_load_info if trace else None
        assert trace is not None and load_info is not None, "dlt.run returned without a load"
        changed_archives = ledger.rows()
        if _loaded_data(trace) or changed_archives:
            archives = archives_resource(changed_archives)
            index_keys([archives], pipeline.destination)
            save_load_history(pipeline, load_info, archives)
        else:  # a warm run: every month already loaded and unchanged
            context.log.info("nothing changed at Chess.com: no rows loaded, no load history written")
    for result in results:
        assert result.asset_key is not None, "dagster-dlt names the asset of every result"
        metadata: dict[str, Any] = {
            **(result.metadata or {}),
            **schema_metadata(load_info, result.asset_key.path[-1], tables_before),
        }
        if result.asset_key == GAMES_KEY:
            metadata["rows_by_month"] = dg.MetadataValue.json(
                {month: rows_by_month[month] for month in months}
            )
        yield dg.MaterializeResult(asset_key=result.asset_key, metadata=metadata)


@_chess_dlt_assets("chess_roster", ROSTER_RESOURCES)
def chess_roster(context: dg.AssetExecutionContext, dlt: DagsterDltResource, warehouse: ChessWarehouse):
    """Titled players (or the configured list) and their profiles."""
    yield from _run_chess(context, dlt, warehouse, ROSTER_RESOURCES, months=[])


class ChessGamesConfig(dg.Config):
    """Run configuration of the games load (UI launchpad, or ``--config`` on the CLI)."""

    recheck_closed_months: bool = False
    """Ask Chess.com again (conditionally, ETag) for closed months already loaded."""


@_chess_dlt_assets("chess_games", GAMES_RESOURCES, partitions_def=monthly_partitions)
def chess_games(
    context: dg.AssetExecutionContext,
    config: ChessGamesConfig,
    dlt: DagsterDltResource,
    warehouse: ChessWarehouse,
):
    """Each player's games that ended in the partition's month (or every month of a backfill).

    Closed months already loaded are skipped unless ``recheck_closed_months`` is set; the current
    month is always asked for again.
    """
    months = context.partition_keys
    context.log.info(f"loading games for {len(months)} month(s): {months[0]}..{months[-1]}")
    yield from _run_chess(context, dlt, warehouse, GAMES_RESOURCES, months, config.recheck_closed_months)
