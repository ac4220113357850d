"""How a failed step is told in one line: explained errors become Dagster failures carrying their message."""

from __future__ import annotations

import dagster as dg
import pytest

from chess_dagster.lib.errors import ChessApiError, ChessConfigError, ExplainedError, WarehouseError
from chess_dagster.runs.failures import explained_as_failure, explained_reason, first_failure_reason

EXPLAINED = "x is wrong; set y"


@dg.asset
def explained_step() -> None:
    with explained_as_failure():
        raise ChessConfigError(EXPLAINED)


@dg.asset
def unexplained_step() -> None:
    with explained_as_failure():
        raise ValueError("boom in the transform\nsecond line of the message")


@dg.asset
def unwrapped_explained_step() -> None:
    raise ChessConfigError(EXPLAINED)


@dg.asset
def good_step() -> int:
    return 1


def run(asset: dg.AssetsDefinition) -> list[dg.DagsterEvent]:
    return list(dg.materialize([asset], raise_on_error=False).all_events)


@pytest.fixture(scope="module")
def explained_events() -> list[dg.DagsterEvent]:
    return run(explained_step)


@pytest.fixture(scope="module")
def unexplained_events() -> list[dg.DagsterEvent]:
    return run(unexplained_step)


def step_failures(events: list[dg.DagsterEvent]) -> list[dg.DagsterEvent]:
    return [event for event in events if event.is_step_failure]


def run_failure(events: list[dg.DagsterEvent]) -> dg.DagsterEvent:
    (failure,) = [event for event in events if event.event_type == dg.DagsterEventType.RUN_FAILURE]
    return failure


def test_an_explained_error_becomes_a_failure_described_by_its_message() -> None:
    with pytest.raises(dg.Failure) as failure, explained_as_failure():
        raise ChessConfigError(EXPLAINED)
    assert failure.value.description == EXPLAINED


@pytest.mark.parametrize(
    ("error", "retries"), [(ChessApiError, True), (ChessConfigError, False), (WarehouseError, False)]
)
def test_the_failure_allows_retries_only_when_the_error_is_retryable(
    error: type[ExplainedError], retries: bool
) -> None:
    with pytest.raises(dg.Failure) as failure, explained_as_failure():
        raise error(EXPLAINED)
    assert failure.value.allow_retries is retries


def test_an_explained_error_wrapped_by_another_exception_becomes_a_failure() -> None:
    with pytest.raises(dg.Failure) as failure, explained_as_failure():
        try:
            raise ChessApiError("the API is down; retry later")
        except ChessApiError as exc:
            raise RuntimeError("dlt pipeline step extract failed") from exc
    assert (failure.value.description, failure.value.allow_retries) == ("the API is down; retry later", True)


def test_an_unexplained_error_passes_through_unchanged() -> None:
    bug = KeyError("players")
    with pytest.raises(KeyError) as raised, explained_as_failure():
        raise bug
    assert raised.value is bug


def test_a_dagster_failure_passes_through_unchanged() -> None:
    failure = dg.Failure(description="already explained", allow_retries=False)
    with pytest.raises(dg.Failure) as raised, explained_as_failure():
        raise failure
    assert raised.value is failure


def test_a_step_that_does_not_raise_is_left_alone() -> None:
    with explained_as_failure():
        result = 1 + 1
    assert result == 2


def test_the_reason_of_an_explained_failure_is_its_message(explained_events: list[dg.DagsterEvent]) -> None:
    assert first_failure_reason(explained_events) == EXPLAINED


def test_the_step_failure_of_an_explained_error_carries_its_message(
    explained_events: list[dg.DagsterEvent],
) -> None:
    assert [explained_reason(event) for event in step_failures(explained_events)] == [EXPLAINED]


def test_the_run_failure_carries_the_reason_of_its_first_step_failure(
    explained_events: list[dg.DagsterEvent],
) -> None:
    assert explained_reason(run_failure(explained_events)) == EXPLAINED


def test_events_other_than_failures_have_no_explained_reason(explained_events: list[dg.DagsterEvent]) -> None:
    others = [event for event in explained_events if not event.is_failure]
    assert others
    assert {explained_reason(event) for event in others} == {None}


def test_the_run_failure_of_an_unexplained_step_has_no_explained_reason(
    unexplained_events: list[dg.DagsterEvent],
) -> None:
    assert explained_reason(run_failure(unexplained_events)) is None


def test_an_unexplained_step_failure_has_no_explained_reason(
    unexplained_events: list[dg.DagsterEvent],
) -> None:
    assert [explained_reason(event) for event in step_failures(unexplained_events)] == [None]


def test_the_reason_of_an_unexplained_failure_names_the_exception_raised(
    unexplained_events: list[dg.DagsterEvent],
) -> None:
    reason = first_failure_reason(unexplained_events)
    assert reason.startswith("ValueError: boom in the transform")
    assert "\n" not in reason


def test_an_explained_error_not_raised_as_a_failure_has_no_explained_reason() -> None:
    events = run(unwrapped_explained_step)
    assert [explained_reason(event) for event in step_failures(events)] == [None]
    assert first_failure_reason(events) != EXPLAINED


def test_the_first_step_failure_is_the_reason(
    explained_events: list[dg.DagsterEvent], unexplained_events: list[dg.DagsterEvent]
) -> None:
    assert first_failure_reason([*explained_events, *unexplained_events]) == EXPLAINED


def test_a_succeeded_run_has_no_step_failure() -> None:
    events = run(good_step)
    assert step_failures(events) == []
    assert first_failure_reason(events) == "see the run in the Dagster UI"
