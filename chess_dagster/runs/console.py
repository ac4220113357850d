"""The console logger of every run: Dagster's own, with explained failures and retries told in one line.

An explained failure's stack trace is noise on the CLI (the event log keeps it); a retry, which
Dagster logs at DEBUG without its error, would hide a bug that passes on its retry.
"""

from __future__ import annotations

import logging

import dagster as dg

from chess_dagster.runs.dagster_private import dagster_event_of
from chess_dagster.runs.failures import explained_reason, retry_reason


class ExplainedFailureInOneLine(logging.Filter):
    """Once: the run failure's record keeps its header only, as Dagster repeats the step's error there."""

    def __init__(self, reason_told_by_caller: bool = False) -> None:
        super().__init__()
        self.reason_told_by_caller = reason_told_by_caller

    def filter(self, record: logging.LogRecord) -> bool:
        event = dagster_event_of(record)
        reason = explained_reason(event) if event and not event.is_step_up_for_retry else None
        if not reason or event is None:
            return True
        if self.reason_told_by_caller:
            return False
        run_failure = event.event_type == dg.DagsterEventType.RUN_FAILURE
        record.msg = _header(record) if run_failure else f"{_header(record)} {reason}"
        return True


class RetryToldWithItsReason(logging.Filter):
    """Works only on a logger whose own level lets DEBUG records through."""

    def filter(self, record: logging.LogRecord) -> bool:
        event = dagster_event_of(record)
        if event is not None and event.is_step_up_for_retry:
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
            record.msg = f"{_header(record)} {retry_reason(event)}"
        return True


def _header(record: logging.LogRecord) -> str:
    return str(record.msg).split("\n\n", 1)[0]


CONSOLE_CONFIG = {
    **dg.colored_console_logger.config_schema.config_type.fields,
    "reason_told_by_caller": dg.Field(
        bool,
        default_value=False,
        description="Drop explained failures' records: the caller tells their reason (chess-load).",
    ),
}


@dg.logger(
    config_schema=CONSOLE_CONFIG,
    description="Dagster's colored console logger; the project's explained failures told once, in one line.",
)
def chess_console_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    console = dg.colored_console_logger.logger_fn(init_context)  # reads its own two keys
    console.addFilter(ExplainedFailureInOneLine(init_context.logger_config["reason_told_by_caller"]))
    console.addFilter(RetryToldWithItsReason())
    console.setLevel(logging.DEBUG)  # a retry reaches the filter; the handler keeps the threshold
    return console
