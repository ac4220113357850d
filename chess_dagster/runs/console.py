"""The console logger of every run: Dagster's own, with explained failures and retries told in one line.

Dagster's console logger appends the whole stack trace to each failure event. When the failure is
an explained one (see ``failures.py``) the trace is noise on the CLI: the line says what was wrong
and what to do. The event log (UI, ``dagster debug``) keeps the full trace, and any other error,
a bug, keeps it on the console too.

A retried step is a failure the run survives, so Dagster logs it at DEBUG, below the console's
threshold, and without its error: a bug that passes on its retry would go unseen. The console
tells each retry as a warning, with why, in one line.
"""

from __future__ import annotations

import logging

import dagster as dg

from chess_dagster.runs.dagster_private import dagster_event_of
from chess_dagster.runs.failures import explained_reason, retry_reason


class ExplainedFailureInOneLine(logging.Filter):
    """Tells an explained failure's reason once: on its step's failure, in one line.

    The step failure's record keeps Dagster's header and gets the reason in place of the error;
    the run failure's keeps its header only (Dagster repeats the step's error there). A caller
    that tells the reason itself (``chess-load``'s last line) drops both records.
    """

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
    """Raises a step's retry from DEBUG to WARNING and adds why it failed, in one line.

    Works only on a logger whose own level lets DEBUG records through; its handlers keep the
    console's threshold for every other record.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        event = dagster_event_of(record)
        if event is not None and event.is_step_up_for_retry:
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
            record.msg = f"{_header(record)} {retry_reason(event)}"
        return True


def _header(record: logging.LogRecord) -> str:
    """Dagster's message without the error it appends ("<header>\n\n<error with stack trace>")."""
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
