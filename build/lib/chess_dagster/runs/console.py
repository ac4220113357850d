"""The console logger of every run: Dagster's own, with explained failures told in one line.

Dagster's console logger appends the whole stack trace to each failure event. When the failure is
an explained one (see ``failures.py``) the trace is noise on the CLI: the line says what was wrong
and what to do. The event log (UI, ``dagster debug``) keeps the full trace, and any other error,
a bug, keeps it on the console too.
"""

from __future__ import annotations

import logging

import dagster as dg

from chess_dagster.runs.dagster_private import dagster_event_of
from chess_dagster.runs.failures import explained_reason


class ExplainedFailureInOneLine(logging.Filter):
    """Replaces the error Dagster appended to a failure record by the failure's one-line reason."""

    def filter(self, record: logging.LogRecord) -> bool:
        event = dagster_event_of(record)
        reason = explained_reason(event) if event else None
        if reason:
            # Dagster builds the message as "<header>\n\n<error with stack trace>".
            header = str(record.msg).split("\n\n", 1)[0]
            record.msg = f"{header} {reason}"
        return True


@dg.logger(
    config_schema=dg.colored_console_logger.config_schema,
    description="Dagster's colored console logger; the project's explained failures in one line.",
)
def chess_console_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    console = dg.colored_console_logger.logger_fn(init_context)
    console.addFilter(ExplainedFailureInOneLine())
    return console
