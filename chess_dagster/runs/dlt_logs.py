"""dlt's log records in a run: once, through Dagster's logger, at dlt's own level.

dlt gives its logger (``dlt``) a stderr handler of its own and stops it propagating; the instance
manages the same logger (``python_logs.managed_python_loggers`` in ``dagster_home/dagster.yaml``),
so Dagster adds its handler beside dlt's and sets the logger to the instance's
``python_log_level``. Left so, every dlt line is printed twice, and every INFO line of dlt (a
hundred or more a load: "Found 0 updates for ...") is written to the run's event log, an event
each, whatever ``runtime.log_level`` says.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import dlt

DLT_LOGGER = "dlt"


class AtLeast(logging.Filter):
    """Passes records at ``level`` or above: the logger's own level is Dagster's to set."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level


def dlt_log_level() -> int:
    """dlt's ``runtime.log_level`` (``.dlt/config.toml``, ``RUNTIME__LOG_LEVEL``), WARNING if unset."""
    name = dlt.config.get("runtime.log_level", str) or "WARNING"
    level = logging.getLevelName(name.upper())
    return level if isinstance(level, int) else logging.WARNING


class NullableColumnsWithoutData(logging.Filter):
    """Drops dlt's warning that nullable columns of a table got no value in a load.

    Chess.com added game fields over time (``uuid``, ``tcn``): a month from before them, loaded
    after a newer one, leaves those columns empty, which is what the archive says, and dlt warned
    about it in seven lines on every such load. A key column without values is not dropped: dlt
    raises for it instead of warning.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "did not receive any data during this load" not in message or "must have values" in message


@contextmanager
def dlt_records_through_dagster() -> Iterator[None]:
    """For the duration of a run: dlt's own stderr handler off, records below dlt's level dropped,
    and so are its warnings about nullable columns a load brought no value for.

    dlt re-uses the first handler it finds on its logger when it sets logging up again, so none is
    added back while the run lasts; after it, the logger is as it was.
    """
    logger = logging.getLogger(DLT_LOGGER)
    own_handlers = [handler for handler in logger.handlers if type(handler) is logging.StreamHandler]
    filters = (AtLeast(dlt_log_level()), NullableColumnsWithoutData())
    for handler in own_handlers:
        logger.removeHandler(handler)
    for log_filter in filters:
        logger.addFilter(log_filter)
    try:
        yield
    finally:
        for log_filter in filters:
            logger.removeFilter(log_filter)
        for handler in own_handlers:
            logger.addHandler(handler)
