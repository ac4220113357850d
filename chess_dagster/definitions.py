"""The code location: the ``defs/`` folder (one folder per domain), plus how every run executes.

No logic lives here. Only one Definitions object may be at module scope: the module of how runs
execute is imported, not its object.
"""

from pathlib import Path

import dagster as dg

from chess_dagster.runs import execution

defs = dg.Definitions.merge(
    dg.load_from_defs_folder(path_within_project=Path(__file__).parent), execution.RUN_EXECUTION
)
