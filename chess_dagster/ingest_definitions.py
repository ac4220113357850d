"""The code location's ingest domain alone, for the commands that only run its jobs (``chess-load``,
``make check``): the same jobs as the code location's (their snapshots are equal, tested), without
loading the mart, whose dbt imports are most of the whole code location's start-up.

No logic lives here.
"""

import functools
import warnings

import dagster as dg

from chess_dagster.defs import ingest
from chess_dagster.defs.resources import resources
from chess_dagster.runs.execution import RUN_EXECUTION


@functools.cache
def ingest_definitions() -> dg.Definitions:
    """``defs/ingest``, the shared resources and how runs execute; built on first use, once the
    settings it reads are known to be good."""
    with warnings.catch_warnings():
        # Dagster's loader of a package's definitions, as the defs folder loads its modules, is
        # in preview: it says so on every start.
        warnings.simplefilter("ignore", dg.PreviewWarning)
        ingest_defs = dg.load_definitions_from_package_module(ingest)
    return dg.Definitions.merge(ingest_defs, resources(), RUN_EXECUTION)
