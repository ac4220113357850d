"""The console logger of every run: Dagster's own, with explained failures told in one line.

Dagster's console logger appends the whole stack trace to each failure event. When the error is
one of the project's explained errors (see ``errors.py``) the trace is noise on the CLI: the line
says what was wrong and what to do. The event log (UI, ``dagster debug``) keeps the full trace,
and any other error, a bug, keeps it on the console too.
"""

from __future__ import annotations

import logging

import dagster as dg

from chess_dagster.errors import explained_reason


class ExplainedFailureInOneLine(logging.Filter):
    """Replaces the error Dagster appended to a failure record by the error's one-line reason."""

    def filter(self, record: logging.LogRecord) -> bool:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        error = getattr(event.event_specific_data, "error", None) if event else None
        reason = explained_reason(error) if error else None
        if reason:
            # Dagster builds the message as "<header>\n\n<error with stack trace>".
            header = str(record.msg).split("\n\n", 1)[0]
            record.msg = f"{header} {reason}"
        return True


@dg.logger(
    config_schema=dg.colored_console_logger.config_schema,
    description="Dagster's colored console logger; the project's explained errors in one line.",
)
def chess_console_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    console = dg.colored_console_logger.logger_fn(init_context)
    console.addFilter(ExplainedFailureInOneLine())
    return console
