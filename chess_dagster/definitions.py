"""The code location: assembles the chess assets, checks, jobs, schedules, sensors and resources.

No logic lives here.
"""

import dagster as dg

from chess_dagster.analytics import openings, player_month_stats, results_add_up, scores_in_range
from chess_dagster.assets import chess_games, chess_roster
from chess_dagster.checks import freshness_checks, freshness_sensor, games_checks, roster_checks
from chess_dagster.console import chess_console_logger
from chess_dagster.executor import chess_executor
from chess_dagster.jobs import chess_checks_job
from chess_dagster.resources import default_resources
from chess_dagster.schedules import (
    analytics_automation,
    current_month_games_schedule,
    games_job,
    roster_job,
    roster_schedule,
)
from chess_dagster.sensors import run_failure_to_slack, schema_drift_sensor

defs = dg.Definitions(
    assets=[chess_roster, chess_games, player_month_stats, openings],
    asset_checks=[games_checks, roster_checks, results_add_up, scores_in_range, *freshness_checks],
    jobs=[chess_checks_job, games_job, roster_job],
    schedules=[current_month_games_schedule, roster_schedule],
    sensors=[schema_drift_sensor, run_failure_to_slack, freshness_sensor, analytics_automation],
    resources=default_resources(),
    loggers={"console": chess_console_logger},
    # Every step opens the one DuckDB file, one at a time (pool limit 1): a process per step would
    # add start-up to each run and buy no parallelism. Runs still go in parallel, each its own process.
    executor=chess_executor,
)
