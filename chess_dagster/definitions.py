"""The code location: the ``defs/`` folder (one folder per domain), plus how every run executes.

No logic lives here.
"""

from pathlib import Path

import dagster as dg

from chess_dagster.runs.execution import RUN_EXECUTION

defs = dg.Definitions.merge(
    dg.load_from_defs_folder(path_within_project=Path(__file__).parent), RUN_EXECUTION
)
