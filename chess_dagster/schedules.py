"""Keeping the data fresh without a click: schedules for the raw loads, automation for the rest.

* the current month's games: daily (``CHESS_GAMES_CRON``), the month in progress only; closed
  months are loaded once (the source skips them) and re-checked only on demand;
* players and profiles: weekly (``CHESS_ROSTER_CRON``);
* analytics: whenever their month of games changes (their automation condition).
"""

import os
from datetime import datetime, timezone

import dagster as dg

from chess_dagster.assets import GAMES_KEY, PLAYERS_KEY, PROFILES_KEY
from chess_dagster.partitions import monthly_partitions

games_job = dg.define_asset_job(
    "chess_games_job", selection=dg.AssetSelection.assets(GAMES_KEY), partitions_def=monthly_partitions
)
roster_job = dg.define_asset_job("chess_roster_job", selection=dg.AssetSelection.assets(PLAYERS_KEY, PROFILES_KEY))


@dg.schedule(
    job=games_job,
    cron_schedule=os.environ.get("CHESS_GAMES_CRON", "0 6 * * *"),
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Loads the month in progress (its archive keeps growing).",
)
def current_month_games_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    now = context.scheduled_execution_time or datetime.now(timezone.utc)
    month = now.strftime("%Y-%m")
    return dg.RunRequest(run_key=f"{month}@{now:%Y-%m-%dT%H:%M}", partition_key=month)


roster_schedule = dg.ScheduleDefinition(
    name="weekly_roster_schedule",
    job=roster_job,
    cron_schedule=os.environ.get("CHESS_ROSTER_CRON", "0 5 * * 1"),
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refreshes the titled players and their profiles.",
)

analytics_automation = dg.AutomationConditionSensorDefinition(
    "chess_analytics_automation",
    target=dg.AssetSelection.groups("chess_analytics"),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)
