"""The raw loads' jobs and schedules, and a job that only checks what is loaded.

* the current month's games: daily (``CHESS_GAMES_CRON``), the month in progress only; closed
  months are loaded once (the source skips them) and re-checked only on demand;
* players and profiles: weekly (``CHESS_ROSTER_CRON``);
* ``chess_source_job``: players, profiles and the games of a range of months in one run and one
  dlt load (a first backfill; ``chess-load all``);
* ``chess_checks``: every check of the raw tables against what DuckDB holds, loading nothing.
"""

from datetime import UTC, datetime

import dagster as dg

from chess_dagster.defs.ingest.checks import games_checks, roster_checks
from chess_dagster.defs.ingest.keys import GAMES_KEY, PLAYERS_KEY, PROFILES_KEY
from chess_dagster.defs.ingest.partitions import monthly_partitions
from chess_dagster.lib.months import current_month
from chess_dagster.lib.settings import settings

games_job = dg.define_asset_job(
    "chess_games_job", selection=dg.AssetSelection.assets(GAMES_KEY), partitions_def=monthly_partitions
)
roster_job = dg.define_asset_job(
    "chess_roster_job", selection=dg.AssetSelection.assets(PLAYERS_KEY, PROFILES_KEY)
)
source_job = dg.define_asset_job(
    "chess_source_job",
    selection=dg.AssetSelection.assets(PLAYERS_KEY, PROFILES_KEY, GAMES_KEY),
    partitions_def=monthly_partitions,
    description="Players, profiles and the games of the run's months, in one run and one dlt load.",
)
chess_checks_job = dg.define_asset_job(
    "chess_checks",
    # Freshness checks and the analytics' own checks run on their own schedule and assets.
    selection=dg.AssetSelection.checks(games_checks, roster_checks),
    description="Run every check of the raw chess tables against what is already in DuckDB, without loading.",
)


@dg.schedule(
    job=games_job,
    cron_schedule=settings().games_cron,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Loads the month in progress (its archive keeps growing).",
)
def current_month_games_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    now = context.scheduled_execution_time or datetime.now(UTC)
    month = current_month(now.timestamp())
    return dg.RunRequest(run_key=f"{month}@{now:%Y-%m-%dT%H:%M}", partition_key=month)


roster_schedule = dg.ScheduleDefinition(
    name="weekly_roster_schedule",
    job=roster_job,
    cron_schedule=settings().roster_cron,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refreshes the titled players and their profiles.",
)
