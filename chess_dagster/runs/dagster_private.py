"""Every private Dagster API the project relies on, in one place.

Dagster has no public way to extend its in-process executor (to free dead runs' pool slots first,
see ``executor.py``) or to type a reconstructable job or a serialized error, and its console logger
hands the event to filters only as a private attribute of the log record.
``chess_dagster_tests/unit/test_dagster_private_api.py`` checks each of these against the installed
Dagster and fails naming what changed, so an upgrade that moves them fails in CI rather than in a
user's run.
"""

from __future__ import annotations

import logging

import dagster as dg
from dagster._core.definitions.reconstruct import ReconstructableJob
from dagster._core.execution.retries import RetryMode
from dagster._core.executor.in_process import InProcessExecutor
from dagster._utils.error import SerializableErrorInfo

# Attribute Dagster's log manager sets on every record of a run: {"dagster_event": DagsterEvent | None, ...}
DAGSTER_META_ATTRIBUTE = "dagster_meta"


def dagster_event_of(record: logging.LogRecord) -> dg.DagsterEvent | None:
    """The Dagster event a run's log record describes, if any."""
    meta = getattr(record, DAGSTER_META_ATTRIBUTE, None) or {}
    return meta.get("dagster_event")


__all__ = [
    "DAGSTER_META_ATTRIBUTE",
    "InProcessExecutor",
    "ReconstructableJob",
    "RetryMode",
    "SerializableErrorInfo",
    "dagster_event_of",
]
