"""The project's code location plus one asset that does nothing: what a run costs before any work.

The benchmark subtracts this fixed start-up from the project's wall times to get their work.
"""

import dagster as dg

from chess_dagster import definitions as chess


@dg.asset
def noop() -> None:
    """Does nothing."""


defs = dg.Definitions.merge(chess.defs, dg.Definitions(assets=[noop]))
