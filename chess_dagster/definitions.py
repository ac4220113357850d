"""The code location: the ``defs/`` folder (one folder per domain), plus how every run executes.

No logic lives here.
"""

from pathlib import Path

import dagster as dg

from chess_dagster.runs.console import chess_console_logger
from chess_dagster.runs.executor import chess_executor

defs = dg.Definitions.merge(
    dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
    dg.Definitions(
        loggers={"console": chess_console_logger},
        # Every step opens the one DuckDB file, one at a time (pool limit 1): a process per step
        # would add start-up to each run and buy no parallelism. Runs still go in parallel.
        executor=chess_executor,
    ),
)
