"""The code location: assembles the chess assets, checks, jobs, sensors and resources. No logic here."""

import dagster as dg

from chess_dagster.assets import chess_games, chess_roster
from chess_dagster.checks import games_checks, roster_checks
from chess_dagster.executor import chess_executor
from chess_dagster.jobs import chess_checks_job
from chess_dagster.resources import default_resources
from chess_dagster.sensors import run_failure_to_slack, schema_drift_sensor

defs = dg.Definitions(
    assets=[chess_roster, chess_games],
    asset_checks=[games_checks, roster_checks],
    jobs=[chess_checks_job],
    sensors=[schema_drift_sensor, run_failure_to_slack],
    resources=default_resources(),
    # Every step opens the one DuckDB file, one at a time (pool limit 1): a process per step would
    # add start-up to each run and buy no parallelism. Runs still go in parallel, each its own process.
    executor=chess_executor,
)
