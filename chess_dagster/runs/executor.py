"""The code location's executor: Dagster's in-process executor that first frees what dead runs hold.

A run killed with SIGKILL never gives back its pool slot, and without the daemon's run monitoring the
next run waits forever. A run of another host (``chess/host``) is left to run monitoring
(docs/postgres.md).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator

import dagster as dg

from chess_dagster.runs.dagster_private import (
    InProcessExecutor,
    RetryMode,
    concurrency_run_ids,
    free_concurrency_slots,
    stop_busy_waiting_for_pool_slots,
)
from chess_dagster.runs.dlt_logs import dlt_records_through_dagster

log = logging.getLogger(__name__)

HOST_TAG = "chess/host"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _last_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """Log lines carry no pid, so the latest Dagster event's."""
    for record in instance.get_records_for_run(run_id, ascending=False, limit=50).records:
        event = record.event_log_entry.dagster_event
        if event is not None and event.pid is not None:
            return event.pid
    return None


def free_slots_of_dead_runs(instance: dg.DagsterInstance, current_run_id: str) -> list[str]:
    freed = []
    for run_id in concurrency_run_ids(instance) - {current_run_id}:
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            host = run.tags.get(HOST_TAG)
            if host is not None and host != socket.gethostname():
                continue  # its process is not ours to see: run monitoring decides
            pid = _last_pid(instance, run_id)
            if pid is None or pid == os.getpid() or _alive(pid):
                continue
            instance.report_run_failed(run, f"its process (pid {pid}) died; its pool slots were freed")
        free_concurrency_slots(instance, run_id)
        freed.append(run_id)
    return freed


class SlotFreeingInProcessExecutor(InProcessExecutor):
    def execute(self, plan_context, execution_plan) -> Iterator[dg.DagsterEvent]:
        stop_busy_waiting_for_pool_slots()
        plan_context.instance.add_run_tags(plan_context.run_id, {HOST_TAG: socket.gethostname()})
        freed = free_slots_of_dead_runs(plan_context.instance, plan_context.run_id)
        if freed:
            log.warning("freed the pool slots of %d dead run(s): %s", len(freed), ", ".join(freed))
        with dlt_records_through_dagster():
            yield from super().execute(plan_context, execution_plan)


@dg.executor(name="in_process_freeing_dead_slots")
def chess_executor(_init_context) -> SlotFreeingInProcessExecutor:
    return SlotFreeingInProcessExecutor(retries=RetryMode.ENABLED, marker_to_close=None)
