"""How a failed run is told in one line, wherever it is told (CLI, console log, Slack): explained
errors become a ``dg.Failure``, whose description Dagster keeps on the step-failure event, so the
tellers read it there instead of searching error chains for class names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import dagster as dg

from chess_dagster.lib.errors import explained_in_chain
from chess_dagster.runs.dagster_private import (
    SerializableErrorInfo,
    failure_description_in,
    root_cause_of,
    user_error_of,
)


@contextmanager
def explained_as_failure() -> Iterator[None]:
    """Anything else propagates untouched and keeps its stack trace (a bug)."""
    try:
        yield
    except dg.Failure:
        raise
    except Exception as exc:
        explained = explained_in_chain(exc)
        if explained is None:
            raise
        # Chained, so the event log (UI) keeps the original error and its stack trace.
        raise dg.Failure(description=str(explained), allow_retries=explained.retryable) from explained


def explained_reason(event: dg.DagsterEvent) -> str | None:
    if event.event_type == dg.DagsterEventType.RUN_FAILURE:
        first_step_failure = event.job_failure_data.first_step_failure_event
        return explained_reason(first_step_failure) if first_step_failure else None
    if event.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY:
        return failure_description_in(event.step_retry_data.error)
    if not event.is_step_failure:
        return None
    user_failure = event.step_failure_data.user_failure_data
    return user_failure.description if user_failure and user_failure.description else None


def retry_reason(event: dg.DagsterEvent) -> str:
    """The innermost error names the fault under dlt's and Dagster's wrappers."""
    error = event.step_retry_data.error
    if error is None:
        return "no error was recorded"
    return explained_reason(event) or _first_line(root_cause_of(error))


def first_failure_reason(events: Iterable[dg.DagsterEvent]) -> str:
    run_failure = None
    for event in events:
        if event.is_step_failure:
            return explained_reason(event) or _first_line_of_user_error(event.step_failure_data.error)
        if event.event_type == dg.DagsterEventType.RUN_FAILURE:
            run_failure = event.message
    return run_failure or "see the run in the Dagster UI"


def _first_line_of_user_error(error: SerializableErrorInfo | None) -> str:
    return _first_line(user_error_of(error)) if error else "a step failed"


def _first_line(error: SerializableErrorInfo) -> str:
    return error.message.strip().splitlines()[0]
