"""Every private Dagster API the project relies on, where Dagster has no public way (freeing dead
runs' pool slots, reading a serialized error chain), in one place, so that
``test_dagster_private_api.py`` fails an upgrade that moves them in CI, not in a user's run.
dagster-dbt's are in ``dagster_dbt_private.py``, as dagster-dbt imports dbt-core.
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

DAGSTER_META_ATTRIBUTE = "dagster_meta"
STEP_EXECUTION_WRAPPER = "DagsterExecutionStepExecutionError"
# Retry events keep no user_failure_data, only the chain's class names.
FAILURE_CLASS = "Failure"


def dagster_event_of(record: logging.LogRecord) -> dg.DagsterEvent | None:
    meta = getattr(record, DAGSTER_META_ATTRIBUTE, None) or {}
    return meta.get("dagster_event")


def failure_description_in(error: SerializableErrorInfo | None) -> str | None:
    while error is not None:
        if error.cls_name == FAILURE_CLASS:
            line = error.message.strip().splitlines()[0]
            return line.split(": ", 1)[1] if ": " in line else line
        error = error.cause or error.context
    return None


def user_error_of(error: SerializableErrorInfo) -> SerializableErrorInfo:
    return error.cause if error.cls_name == STEP_EXECUTION_WRAPPER and error.cause else error


def root_cause_of(error: SerializableErrorInfo) -> SerializableErrorInfo:
    while error.cause or error.context:
        error = error.cause or error.context  # type: ignore[assignment]  # one of them is set
    return error


def concurrency_run_ids(instance: dg.DagsterInstance) -> set[str]:
    return set(instance.event_log_storage.get_concurrency_run_ids())


def free_concurrency_slots(instance: dg.DagsterInstance, run_id: str) -> None:
    instance.event_log_storage.free_concurrency_slots_for_run(run_id)


# Dagster's own, kept for the unit test that tells when Dagster has fixed it.
DAGSTER_INTERVAL_TO_NEXT_CLAIM_CHECK = InstanceConcurrencyContext.interval_to_next_pending_claim_check


def _seconds_to_next_claim_check(self: InstanceConcurrencyContext) -> float:
    if not self._pending_claims:
        return 0.0
    now = time.time()
    return max(0.0, min((ready_at - now for ready_at in self._pending_timeouts.values()), default=0.0))


def stop_busy_waiting_for_pool_slots() -> None:
    """Dagster 1.13's ``interval_to_next_pending_claim_check`` returns ``min(0, ...)``, so a run waiting
    for a pool slot spins a core (dagster-io/dagster#20367, closed unmerged)."""
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
