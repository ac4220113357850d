"""What the project takes from Dagster's private API (``chess_dagster.runs.dagster_private``) is still there.

Each test names what changed, so a Dagster upgrade that moves one of them fails here, in CI, and
says what to mend, instead of failing a user's run.
"""

import inspect
import logging

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
