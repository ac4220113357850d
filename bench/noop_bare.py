"""An asset that does nothing, alone in a code location: what any Dagster run costs to start.

Against ``bench/noop_location.py`` (the same asset in the project's code location) it shows what
the project adds to every run's start-up.
"""

import dagster as dg


@dg.asset
def noop() -> None:
    """Does nothing."""


defs = dg.Definitions(assets=[noop])
