"""An asset that does nothing, alone in a code location: what any Dagster run costs to start.

Against ``bench/noop_location.py`` (the same asset in the project's code location) it shows what
the project adds to every run's start-up.
"""

import dagster as dg


@dg.asset
def noop() -> None:
    """Does nothing."""


# In process, as the project's runs execute (runs/executor.py): Dagster's default would start a
# process for the step and count that as start-up.
defs = dg.Definitions(assets=[noop], executor=dg.in_process_executor)
