"""How every run of the project executes, as Definitions both the code location
(``definitions.py``) and ``chess-load``'s jobs (``cli.py``) merge: the executor and the console logger."""

import dagster as dg

from chess_dagster.runs.console import chess_console_logger
from chess_dagster.runs.executor import chess_executor

RUN_EXECUTION = dg.Definitions(
    loggers={"console": chess_console_logger},
    # Every step opens the one DuckDB file, one at a time (pool limit 1): a process per step
    # would add start-up to each run and buy no parallelism. Runs still go in parallel.
    executor=chess_executor,
)
