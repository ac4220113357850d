"""The console logger tells explained failures and their retries in one line; bugs keep their trace."""

from __future__ import annotations

import logging

import dagster as dg
import pytest

from chess_dagster.lib.errors import ChessApiError
from chess_dagster.runs.console import ExplainedFailureInOneLine, RetryToldWithItsReason, chess_console_logger
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


@dg.asset(retry_policy=dg.RetryPolicy(max_retries=1))
def step_failing_on_a_bug_under_a_wrapper() -> None:
    try:
        raise AttributeError("partially initialized module 'pandas' has no attribute 'DataFrame'")
    except AttributeError as bug:
        raise RuntimeError("Pipeline execution failed at step=extract") from bug


def console_lines(
    asset: dg.AssetsDefinition, event_type: dg.DagsterEventType, reason_told_by_caller: bool = False
) -> list[str]:
    """What the filter leaves of each record Dagster would log for ``event_type`` events of a run."""
    events = dg.materialize([asset], raise_on_error=False).all_events
    filters = (ExplainedFailureInOneLine(reason_told_by_caller), RetryToldWithItsReason())
    lines = []
    for event in (e for e in events if e.event_type == event_type):
        record = logging.LogRecord("dagster", logging.ERROR, __file__, 1, f"{HEADER}\n\nTrace...", None, None)
        setattr(record, DAGSTER_META_ATTRIBUTE, {"dagster_event": event})
        if all(console.filter(record) for console in filters):
            lines.append(str(record.msg))
    return lines


def test_an_explained_step_failure_is_one_line_with_its_reason() -> None:
    assert console_lines(outage_step, dg.DagsterEventType.STEP_FAILURE) == [f"{HEADER} {REASON}"]


def test_a_retry_of_an_explained_failure_is_one_line_with_its_reason() -> None:
    assert console_lines(outage_step, dg.DagsterEventType.STEP_UP_FOR_RETRY) == [f"{HEADER} {REASON}"]


def test_a_bug_keeps_its_stack_trace() -> None:
    assert console_lines(buggy_step, dg.DagsterEventType.STEP_FAILURE) == [f"{HEADER}\n\nTrace..."]


def test_a_run_failed_by_an_explained_failure_does_not_repeat_the_reason() -> None:
    assert console_lines(outage_step, dg.DagsterEventType.RUN_FAILURE) == [HEADER]


def test_a_caller_that_tells_the_reason_gets_no_failure_records_but_the_retries() -> None:
    told = {
        event_type: console_lines(outage_step, event_type, reason_told_by_caller=True)
        for event_type in (
            dg.DagsterEventType.STEP_FAILURE,
            dg.DagsterEventType.RUN_FAILURE,
            dg.DagsterEventType.STEP_UP_FOR_RETRY,
        )
    }
    assert told == {
        dg.DagsterEventType.STEP_FAILURE: [],
        dg.DagsterEventType.RUN_FAILURE: [],
        dg.DagsterEventType.STEP_UP_FOR_RETRY: [f"{HEADER} {REASON}"],
    }


def test_a_bug_is_told_in_full_also_to_a_caller_that_tells_reasons() -> None:
    assert console_lines(buggy_step, dg.DagsterEventType.STEP_FAILURE, reason_told_by_caller=True) == [
        f"{HEADER}\n\nTrace..."
    ]


def run_with_the_console(asset: dg.AssetsDefinition) -> None:
    """A run of ``asset`` whose console is the project's, at the INFO threshold runs use."""
    job = dg.Definitions(
        assets=[asset], loggers={"console": chess_console_logger}
    ).resolve_implicit_global_asset_job_def()
    job.execute_in_process(
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}}, raise_on_error=False
    )


def test_a_retry_of_a_bug_is_one_line_naming_the_innermost_error() -> None:
    assert console_lines(step_failing_on_a_bug_under_a_wrapper, dg.DagsterEventType.STEP_UP_FOR_RETRY) == [
        f"{HEADER} AttributeError: partially initialized module 'pandas' has no attribute 'DataFrame'"
    ]


def test_the_console_shows_a_retry_as_a_warning_at_its_info_threshold(capfd: pytest.CaptureFixture) -> None:
    run_with_the_console(step_failing_on_a_bug_under_a_wrapper)
    console = capfd.readouterr().err.splitlines()
    retries = [line for line in console if "requested a retry" in line]
    assert len(retries) == 1, console
    assert " - WARNING - " in retries[0] and retries[0].endswith("has no attribute 'DataFrame'"), retries


def test_the_console_keeps_its_info_threshold_for_other_debug_records(capfd: pytest.CaptureFixture) -> None:
    run_with_the_console(buggy_step)
    assert " - DEBUG - " not in capfd.readouterr().err
