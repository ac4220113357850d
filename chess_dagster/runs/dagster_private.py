"""Every private Dagster API the project relies on, in one place.

Dagster has no public way to extend its in-process executor or to list and free the pool slots
runs hold (``executor.py`` frees dead runs' slots), to type a reconstructable job, or to read a
serialized error chain; and its console logger hands the event to filters only as a private
attribute of the log record. One bug of Dagster's is mended here (a run waiting for a pool slot
spins a core: :func:`stop_busy_waiting_for_pool_slots`). What the project overrides of dagster-dbt
is in ``dagster_dbt_private.py``: every run imports this module, and dagster-dbt imports dbt-core.
``chess_dagster_tests/unit/test_dagster_private_api.py`` checks each of these against the installed
Dagster and fails naming what changed, so an upgrade that moves them fails in CI rather than in a
user's run.
"""

from __future__ import annotations

import logging
import time

import dagster as dg
from dagster._core.definitions.reconstruct import ReconstructableJob
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext
from dagster._core.execution.retries import RetryMode
from dagster._core.executor.in_process import InProcessExecutor
from dagster._utils.error import SerializableErrorInfo

# Attribute Dagster's log manager sets on every record of a run: {"dagster_event": DagsterEvent | None, ...}
DAGSTER_META_ATTRIBUTE = "dagster_meta"
# Dagster's wrapper around whatever a step's own code raised: the user's error is its cause.
STEP_EXECUTION_WRAPPER = "DagsterExecutionStepExecutionError"
# How a dg.Failure is named in a serialized error chain (retry events keep no user_failure_data).
FAILURE_CLASS = "Failure"


def dagster_event_of(record: logging.LogRecord) -> dg.DagsterEvent | None:
    """The Dagster event a run's log record describes, if any."""
    meta = getattr(record, DAGSTER_META_ATTRIBUTE, None) or {}
    return meta.get("dagster_event")


def failure_description_in(error: SerializableErrorInfo | None) -> str | None:
    """The description of the ``dg.Failure`` in a serialized error chain, if there is one."""
    while error is not None:
        if error.cls_name == FAILURE_CLASS:
            line = error.message.strip().splitlines()[0]
            return line.split(": ", 1)[1] if ": " in line else line
        error = error.cause or error.context
    return None


def user_error_of(error: SerializableErrorInfo) -> SerializableErrorInfo:
    """The error a step's own code raised, out of Dagster's step-execution wrapper."""
    return error.cause if error.cls_name == STEP_EXECUTION_WRAPPER and error.cause else error


def root_cause_of(error: SerializableErrorInfo) -> SerializableErrorInfo:
    """The innermost error of a serialized chain: what went wrong, under every wrapper
    (Dagster's step wrapper, dlt's ``PipelineStepFailed``)."""
    while error.cause or error.context:
        error = error.cause or error.context  # type: ignore[assignment]  # one of them is set
    return error


def concurrency_run_ids(instance: dg.DagsterInstance) -> set[str]:
    """Runs holding (or waiting for) pool slots."""
    return set(instance.event_log_storage.get_concurrency_run_ids())


def free_concurrency_slots(instance: dg.DagsterInstance, run_id: str) -> None:
    """Give back every pool slot ``run_id`` holds."""
    instance.event_log_storage.free_concurrency_slots_for_run(run_id)


# Dagster's own, kept for the unit test that tells when Dagster has fixed it.
DAGSTER_INTERVAL_TO_NEXT_CLAIM_CHECK = InstanceConcurrencyContext.interval_to_next_pending_claim_check


def _seconds_to_next_claim_check(self: InstanceConcurrencyContext) -> float:
    """Seconds until a blocked step's next claim attempt (0 when one is due or none waits)."""
    if not self._pending_claims:
        return 0.0
    now = time.time()
    return max(0.0, min((ready_at - now for ready_at in self._pending_timeouts.values()), default=0.0))


def stop_busy_waiting_for_pool_slots() -> None:
    """Make a run whose steps wait for a pool slot sleep between claim attempts.

    Dagster 1.13's ``InstanceConcurrencyContext.interval_to_next_pending_claim_check`` returns
    ``min(0, ...)``, never more than 0, so the executor's ``sleep_til_ready`` never sleeps and a
    waiting run spins a core (measured: 17 ``chess-load`` runs waiting for one ``chess_postgres``
    slot held both cores, starving the run that held it). dagster-io/dagster#20367 proposed this
    fix and was closed unmerged. Applied by the run's executor, so only run workers change.
    """
    InstanceConcurrencyContext.interval_to_next_pending_claim_check = _seconds_to_next_claim_check  # type: ignore[method-assign]


__all__ = [
    "InProcessExecutor",
    "ReconstructableJob",
    "RetryMode",
    "SerializableErrorInfo",
    "concurrency_run_ids",
    "dagster_event_of",
    "failure_description_in",
    "free_concurrency_slots",
    "root_cause_of",
    "stop_busy_waiting_for_pool_slots",
    "user_error_of",
]
