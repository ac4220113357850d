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
    """Tells an explained failure's reason once: on its step's failure, in one line.

    The step failure's record keeps Dagster's header and gets the reason in place of the error;
    the run failure's keeps its header only (Dagster repeats the step's error there). A caller
    that tells the reason itself (``chess-load``'s last line) drops both records; a retry's record
    keeps its reason, which is the only place a retried failure is told.
    """

    def __init__(self, reason_told_by_caller: bool = False) -> None:
        super().__init__()
        self.reason_told_by_caller = reason_told_by_caller

    def filter(self, record: logging.LogRecord) -> bool:
        event = dagster_event_of(record)
        reason = explained_reason(event) if event else None
        if not reason or event is None:
            return True
        failure = event.event_type in (dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.RUN_FAILURE)
        if failure and self.reason_told_by_caller:
            return False
        # Dagster builds the message as "<header>\n\n<error with stack trace>".
        header = str(record.msg).split("\n\n", 1)[0]
        run_failure = event.event_type == dg.DagsterEventType.RUN_FAILURE
        record.msg = header if run_failure else f"{header} {reason}"
        return True


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
    return console
