"""The console logger tells explained failures and their retries in one line; bugs keep their trace."""

from __future__ import annotations

import logging

import dagster as dg

from chess_dagster.lib.errors import ChessApiError
from chess_dagster.runs.console import ExplainedFailureInOneLine
from chess_dagster.runs.dagster_private import DAGSTER_META_ATTRIBUTE
from chess_dagster.runs.failures import explained_as_failure

REASON = "the API is down; retry later"
HEADER = 'Execution of step "a_step" failed.'


@dg.asset(retry_policy=dg.RetryPolicy(max_retries=1))
def outage_step() -> None:
    with explained_as_failure():
        raise ChessApiError(REASON)


@dg.asset
def buggy_step() -> None:
    raise KeyError("a bug")


def console_lines(asset: dg.AssetsDefinition, event_type: dg.DagsterEventType) -> list[str]:
    """What the filter leaves of each record Dagster would log for ``event_type`` events of a run."""
    events = dg.materialize([asset], raise_on_error=False).all_events
    lines = []
    for event in (e for e in events if e.event_type == event_type):
        record = logging.LogRecord("dagster", logging.ERROR, __file__, 1, f"{HEADER}\n\nTrace...", None, None)
        setattr(record, DAGSTER_META_ATTRIBUTE, {"dagster_event": event})
        ExplainedFailureInOneLine().filter(record)
        lines.append(str(record.msg))
    return lines


def test_an_explained_step_failure_is_one_line_with_its_reason() -> None:
    assert console_lines(outage_step, dg.DagsterEventType.STEP_FAILURE) == [f"{HEADER} {REASON}"]


def test_a_retry_of_an_explained_failure_is_one_line_with_its_reason() -> None:
    assert console_lines(outage_step, dg.DagsterEventType.STEP_UP_FOR_RETRY) == [f"{HEADER} {REASON}"]


def test_a_bug_keeps_its_stack_trace() -> None:
    assert console_lines(buggy_step, dg.DagsterEventType.STEP_FAILURE) == [f"{HEADER}\n\nTrace..."]
