"""dlt's log records in a run: once, through Dagster's logger, at dlt's own level. dlt's logger has a
stderr handler of its own, and Dagster, which manages it, adds one and sets its level: left so, every
dlt line is printed twice, and each INFO line becomes an event, whatever ``runtime.log_level`` says.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import dlt

DLT_LOGGER = "dlt"


class AtLeast(logging.Filter):
    """The logger's own level is Dagster's to set."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level


def dlt_log_level() -> int:
    name = dlt.config.get("runtime.log_level", str) or "WARNING"
    level = logging.getLevelName(name.upper())
    return level if isinstance(level, int) else logging.WARNING


class NullableColumnsWithoutData(logging.Filter):
    """Chess.com added game fields over time, so an older month leaves them empty, as its archive says."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "did not receive any data during this load" not in message or "must have values" in message


@contextmanager
def dlt_records_through_dagster() -> Iterator[None]:
    """dlt re-uses the first handler it finds on its logger when it sets logging up again, so none
    is added back while the run lasts."""
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
