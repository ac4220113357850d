"""The project's code location plus one asset that does nothing: what a run costs before any work.

The benchmarks subtract this fixed start-up from the project's wall times to get their work.
"""

import dagster as dg

from bench import noop_bare
from chess_dagster import definitions as chess

defs = dg.Definitions.merge(chess.defs, dg.Definitions(assets=[noop_bare.noop]))
