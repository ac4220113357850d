"""Slack notifications: schema drift of the chess tables, and failed runs. The drift cursor keeps the
load ids posted recently, as a range run materializes many partitions from one load: one message.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import dagster as dg

from chess_dagster.defs.ingest.keys import TABLE_KEYS
from chess_dagster.defs.ingest.load_history import TableColumns, drift_of
from chess_dagster.defs.resources import SlackWebhook
from chess_dagster.lib.errors import SlackDeliveryError
from chess_dagster.lib.slack import NO_WEBHOOK, redact
from chess_dagster.runs.failures import first_failure_reason
from chess_dagster.sources.chess_com.months import month_span

RECENT_LOADS_KEPT = 50
FAILURES_PER_TICK = 50


@dataclass
class DriftCursor:
    after_storage_id: int = 0
    posted_loads: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, raw: str | None) -> DriftCursor:
        return cls(**json.loads(raw)) if raw else cls()

    def dump(self) -> str:
        return json.dumps(
            {
                "after_storage_id": self.after_storage_id,
                "posted_loads": self.posted_loads[-RECENT_LOADS_KEPT:],
            }
        )


@dataclass
class SchemaChange:
    asset_key: dg.AssetKey
    run_id: str
    load_id: str
    drift: TableColumns
    partitions: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.load_id}:{self.asset_key.to_user_string()}"

    def message(self, run_url: str) -> str:
        partitions = f" (partition {month_span(self.partitions)})" if self.partitions else ""
        lines = [f":warning: *Schema change* in `{self.asset_key.to_user_string()}`{partitions}"]
        for table, columns in sorted(self.drift.items()):
            described = ", ".join(f"`{name}` ({data_type})" for name, data_type in sorted(columns.items()))
            lines.append(f"New columns in `{table}`: {described}")
        lines.append(f"dlt load `{self.load_id}` · <{run_url}|run {self.run_id[:8]}>")
        return "\n".join(lines)


def _new_records(
    instance: dg.DagsterInstance, after_storage_id: int, limit: int = 1000
) -> list[dg.EventLogRecord]:
    records: list[dg.EventLogRecord] = []
    horizon: int | None = None
    for asset_key in TABLE_KEYS:
        batch = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=asset_key, after_storage_id=after_storage_id),
            limit=limit,
            ascending=True,
        ).records
        records.extend(batch)
        if len(batch) == limit:  # more to come for this asset: read nobody past its last one yet
            horizon = min(horizon or batch[-1].storage_id, batch[-1].storage_id)
    return sorted(
        (r for r in records if horizon is None or r.storage_id <= horizon), key=lambda r: r.storage_id
    )


def _group_changes(records: Sequence[dg.EventLogRecord]) -> list[SchemaChange]:
    changes: dict[str, SchemaChange] = {}
    for record in records:
        materialization = record.asset_materialization
        drift = drift_of(materialization.metadata) if materialization else {}
        if not materialization or not drift:
            continue
        load_id = str(materialization.metadata["dlt_load_id"].value)
        new = SchemaChange(materialization.asset_key, record.run_id, load_id, drift)
        change = changes.setdefault(new.key, new)
        if materialization.partition:
            change.partitions.append(materialization.partition)
    return list(changes.values())


@dg.sensor(
    name="schema_drift_sensor",
    description="Posts to Slack when a chess load adds columns to an existing table.",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def schema_drift_sensor(context: dg.SensorEvaluationContext, slack: SlackWebhook) -> dg.SkipReason:
    if not slack.configured:
        return dg.SkipReason(NO_WEBHOOK)
    cursor = DriftCursor.parse(context.cursor)
    records = _new_records(context.instance, cursor.after_storage_id)
    if not records:
        return dg.SkipReason("no new chess materializations")
    posted = 0
    for change in _group_changes(records):
        if change.key not in cursor.posted_loads:
            try:
                slack.post(change.message(slack.run_url(change.run_id)))
            except SlackDeliveryError as exc:
                # Stop before this change: everything earlier is done, this one is retried next tick.
                cursor.after_storage_id = _before(records, change)
                context.update_cursor(cursor.dump())
                return dg.SkipReason(f"posted {posted} schema change(s); {exc}; will retry")
            cursor.posted_loads.append(change.key)
            posted += 1
    cursor.after_storage_id = records[-1].storage_id
    context.update_cursor(cursor.dump())
    return dg.SkipReason(f"posted {posted} schema change(s) from {len(records)} materialization(s)")


def _before(records: Sequence[dg.EventLogRecord], change: SchemaChange) -> int:
    first = next(
        r.storage_id for r in records if r.run_id == change.run_id and r.asset_key == change.asset_key
    )
    return first - 1


@dg.sensor(
    name="run_failure_to_slack",
    description="Posts failed runs, with their one-line reason, to Slack; retries while Slack is down.",
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)
def run_failure_to_slack(context: dg.SensorEvaluationContext, slack: SlackWebhook) -> dg.SkipReason:
    """Not ``@run_failure_sensor``: it moves its cursor past a run even when posting failed, so a
    failure while Slack is down would never be told."""
    if not slack.configured:
        return dg.SkipReason(NO_WEBHOOK)
    if context.cursor is None:  # like Dagster's run-failure sensors: from now on, not the history
        latest = _run_failures(context.instance, after_storage_id=None, limit=1, ascending=False)
        context.update_cursor(str(latest[0].storage_id if latest else 0))
        return dg.SkipReason("watching for failed runs from now on")
    after, posted = int(context.cursor), 0
    for record in _run_failures(
        context.instance, after_storage_id=after, limit=FAILURES_PER_TICK, ascending=True
    ):
        try:
            slack.post(_failure_message(context.instance, record.run_id, slack))
        except SlackDeliveryError as exc:
            context.update_cursor(str(after))
            return dg.SkipReason(f"posted {posted} failed run(s); {exc}; will retry")
        after, posted = record.storage_id, posted + 1
    context.update_cursor(str(after))
    return dg.SkipReason(f"posted {posted} failed run(s)")


def _run_failures(
    instance: dg.DagsterInstance, after_storage_id: int | None, limit: int, ascending: bool
) -> Sequence[dg.EventLogRecord]:
    records_filter = dg.RunStatusChangeRecordsFilter(
        dg.DagsterEventType.RUN_FAILURE, after_storage_id=after_storage_id
    )
    return instance.fetch_run_status_changes(records_filter, limit=limit, ascending=ascending).records


def _failure_message(instance: dg.DagsterInstance, run_id: str, slack: SlackWebhook) -> str:
    run = instance.get_run_by_id(run_id)
    job_name = run.job_name if run else "?"
    failures = {dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.RUN_FAILURE}
    events = [
        entry.dagster_event for entry in instance.all_logs(run_id, of_type=failures) if entry.dagster_event
    ]
    reason = redact(first_failure_reason(events))
    return f":x: *Run failed*: `{job_name}` <{slack.run_url(run_id)}|run {run_id[:8]}>\n{reason}"
