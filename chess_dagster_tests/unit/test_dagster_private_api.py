"""What the project takes from Dagster's private API (``chess_dagster.runs.dagster_private``) is still there.

Each test names what changed, so a Dagster upgrade that moves one of them fails here, in CI, and
says what to mend, instead of failing a user's run.
"""

import inspect
import logging
import time
from typing import Any

import dagster as dg

from chess_dagster.runs import dagster_private

UPGRADE = "a Dagster upgrade changed a private API chess_dagster.runs.dagster_private relies on: "


def test_the_in_process_executor_still_executes_a_plan_from_a_plan_context() -> None:
    parameters = list(inspect.signature(dagster_private.InProcessExecutor.execute).parameters)
    assert parameters[:3] == ["self", "plan_context", "execution_plan"], (
        UPGRADE + f"InProcessExecutor.execute{parameters}; mend runs/executor.py"
    )
    assert "retries" in inspect.signature(dagster_private.InProcessExecutor).parameters, (
        UPGRADE + "InProcessExecutor(retries=...) is gone; mend runs/executor.py"
    )


def test_retry_mode_enabled_still_exists() -> None:
    assert dagster_private.RetryMode.ENABLED.value == "enabled", UPGRADE + "RetryMode.ENABLED changed"


def test_a_reconstructable_job_is_still_what_dg_reconstructable_returns() -> None:
    assert isinstance(dg.reconstructable(_a_job), dagster_private.ReconstructableJob), (
        UPGRADE + "dg.reconstructable no longer returns ReconstructableJob; mend cli.py's types"
    )


def test_run_log_records_still_carry_their_dagster_event() -> None:
    """The console logger reads each record's Dagster event (a private attribute) to shorten failures."""
    seen: list[dg.DagsterEvent | None] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(dagster_private.dagster_event_of(record))

    @dg.logger
    def keeping(_init_context: dg.InitLoggerContext) -> logging.Logger:
        logger = logging.getLogger("chess_dagster_tests.keeping")
        logger.setLevel(logging.DEBUG)
        logger.handlers = [Keep()]
        return logger

    job = dg.GraphDefinition(name="one", node_defs=[_an_op]).to_job(logger_defs={"keeping": keeping})
    assert job.execute_in_process(run_config={"loggers": {"keeping": {}}}).success
    event_types = {event.event_type for event in seen if event is not None}
    assert dg.DagsterEventType.STEP_SUCCESS in event_types, (
        UPGRADE + f"log records no longer carry '{dagster_private.DAGSTER_META_ATTRIBUTE}' with the "
        "dagster_event; mend runs/console.py"
    )


@dg.op
def _an_op() -> None:
    """Does nothing."""


@dg.job
def _a_job() -> None:
    _an_op()


@dg.asset(retry_policy=dg.RetryPolicy(max_retries=1))
def _failing_asset() -> None:
    raise dg.Failure(description="said in one line", allow_retries=True)


@dg.asset
def _buggy_asset() -> None:
    raise KeyError("a bug")


def _events_of(asset: dg.AssetsDefinition, event_type: dg.DagsterEventType) -> list[dg.DagsterEvent]:
    events = dg.materialize([asset], raise_on_error=False).all_events
    return [event for event in events if event.event_type == event_type]


def test_a_retry_event_still_carries_the_failure_in_its_serialized_error_chain() -> None:
    (retry,) = _events_of(_failing_asset, dg.DagsterEventType.STEP_UP_FOR_RETRY)
    assert dagster_private.failure_description_in(retry.step_retry_data.error) == "said in one line", (
        UPGRADE + f"a retry's error chain no longer names '{dagster_private.FAILURE_CLASS}: <description>'"
    )


def test_a_run_failure_still_carries_its_first_step_failure() -> None:
    (run_failure,) = _events_of(_failing_asset, dg.DagsterEventType.RUN_FAILURE)
    assert run_failure.job_failure_data.first_step_failure_event is not None, (
        UPGRADE + "JobFailureData.first_step_failure_event is gone; mend runs/failures.py"
    )


def test_a_steps_own_error_is_still_the_cause_of_dagsters_wrapper() -> None:
    (failure,) = _events_of(_buggy_asset, dg.DagsterEventType.STEP_FAILURE)
    error = failure.step_failure_data.error
    assert error is not None
    assert dagster_private.user_error_of(error).cls_name == "KeyError", (
        UPGRADE + f"step errors are no longer wrapped as {dagster_private.STEP_EXECUTION_WRAPPER}"
    )


def test_pool_slots_can_still_be_listed_and_freed_per_run() -> None:
    with dg.instance_for_test() as instance:
        assert dagster_private.concurrency_run_ids(instance) == set(), UPGRADE + "get_concurrency_run_ids"
        dagster_private.free_concurrency_slots(instance, "no-such-run")


def _waiting_context(ready_in_s: float) -> Any:
    """Dagster's concurrency context of a run with one step blocked until ``ready_in_s`` from now
    (only the two attributes the interval reads: it is built without an instance)."""
    context: Any = object.__new__(dagster_private.InstanceConcurrencyContext)
    context._pending_claims = {"chess_source"}
    context._pending_timeouts = {"chess_source": time.time() + ready_in_s}
    return context


def test_dagster_still_never_sleeps_between_claims_so_the_mend_is_still_needed() -> None:
    interval = dagster_private.DAGSTER_INTERVAL_TO_NEXT_CLAIM_CHECK(_waiting_context(5.0))
    assert interval <= 0, (
        "Dagster now sleeps between pool slot claims: remove stop_busy_waiting_for_pool_slots "
        "from runs/dagster_private.py and runs/executor.py"
    )


def test_a_step_waiting_for_a_pool_slot_sleeps_until_its_next_claim_after_the_mend() -> None:
    dagster_private.stop_busy_waiting_for_pool_slots()
    context = _waiting_context(5.0)
    assert 4.0 < context.interval_to_next_pending_claim_check() <= 5.0
    assert _waiting_context(-1.0).interval_to_next_pending_claim_check() == 0.0
