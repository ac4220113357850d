"""The raw loads' jobs and schedules, and a job that only checks what is loaded."""

from datetime import UTC, datetime

import dagster as dg

from chess_dagster.defs.ingest.checks import games_checks, players_on_a_list, roster_checks, stats_checks
from chess_dagster.defs.ingest.keys import TABLE_KEYS, table_key
from chess_dagster.defs.ingest.partitions import monthly_partitions
from chess_dagster.defs.resources import ChessWarehouse
from chess_dagster.lib.settings import settings
from chess_dagster.sources.chess_com.ledgers import read_open_months
from chess_dagster.sources.chess_com.months import current_month, months_to_finish, now
from chess_dagster.sources.chess_com.tables import TABLES

# Shorter than the tick's own timeout.
SCHEDULE_LOCK_WAIT_S = 10.0

games_job = dg.define_asset_job(
    "chess_games_job",
    selection=dg.AssetSelection.assets(*(table_key(t.name) for t in TABLES if t.by_month)),
    partitions_def=monthly_partitions,
)
roster_job = dg.define_asset_job(
    "chess_roster_job",
    selection=dg.AssetSelection.assets(*(table_key(t.name) for t in TABLES if t.with_roster)),
)
source_job = dg.define_asset_job(
    "chess_source_job",
    selection=dg.AssetSelection.assets(*TABLE_KEYS),
    partitions_def=monthly_partitions,
    description="Every table of the chess source, the games of the run's months, in one run and load.",
)
chess_checks_job = dg.define_asset_job(
    "chess_checks",
    # Freshness checks and the analytics' own checks run on their own schedule and assets.
    selection=dg.AssetSelection.checks(games_checks, roster_checks, players_on_a_list, stats_checks),
    description="Run every check of the raw chess tables against what is already in DuckDB, without loading.",
)


@dg.schedule(
    job=games_job,
    cron_schedule=settings().games_cron,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "Loads the month in progress at Chess.com (US Pacific time) and every earlier month not yet "
        "closed, in one run: a month is asked for again until a fetch after it settled."
    ),
)
def current_month_games_schedule(
    context: dg.ScheduleEvaluationContext, warehouse: ChessWarehouse
) -> dg.RunRequest:
    at = context.scheduled_execution_time.timestamp() if context.scheduled_execution_time else now()
    first, last = months_to_finish(
        at, _open_months(warehouse, current_month(at), context), settings().start_month
    )
    when = datetime.fromtimestamp(at, UTC)
    if first == last:
        return dg.RunRequest(run_key=f"{last}@{when:%Y-%m-%dT%H:%M}", partition_key=last)
    return dg.RunRequest(
        run_key=f"{first}...{last}@{when:%Y-%m-%dT%H:%M}",
        tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
    )


def _open_months(warehouse: ChessWarehouse, before: str, context: dg.ScheduleEvaluationContext) -> list[str]:
    """None when a load holds the DuckDB file past the short wait: the next tick reads the ledger again."""
    briefly = ChessWarehouse(database=warehouse.database, lock_timeout_s=SCHEDULE_LOCK_WAIT_S)
    try:
        with briefly.sql_client() as client:
            return read_open_months(client, before)
    except dg.Failure as unreadable:
        context.log.warning(
            f"the archive ledger was not read ({unreadable.description}); asking for the clock's months"
        )
        return []


roster_schedule = dg.ScheduleDefinition(
    name="weekly_roster_schedule",
    job=roster_job,
    cron_schedule=settings().roster_cron,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Reads the roster's lists again (titles, clubs, countries, names), then refreshes the "
    "players' profiles and stats.",
)
