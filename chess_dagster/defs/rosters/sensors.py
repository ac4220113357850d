"""A newcomer's history, loaded by itself: when a roster load adds players, runs of the games job load
their months from ``CHESS_START_MONTH`` to the month in progress, narrowed to them by run config, so
no other player's archives are asked for. The closed months were loaded for the players of their
time; without this, a newcomer's past would wait for someone to backfill it by hand (docs/rosters.md).

The newcomers travel on ``chess/players``' materialization (``keys.NEWCOMERS``): the sensor reads no
warehouse, and its run keys come from that materialization, so a restarted sensor launches nothing
twice. A first roster load into an empty warehouse names no newcomers: a normal backfill covers it.
"""

from collections.abc import Iterator

import dagster as dg

from chess_dagster.defs.ingest.jobs import games_job
from chess_dagster.defs.ingest.keys import NEWCOMERS, PLAYERS_KEY
from chess_dagster.defs.ingest.partitions import games_months
from chess_dagster.lib.settings import settings_now

# Run tags: a run names at most this many of its newcomers, and counts them all.
NAMED_IN_TAGS = 10
ROSTER_LOADS_PER_TICK = 20
NEWCOMERS_TAG, NEWCOMER_COUNT_TAG = "chess/newcomers", "chess/newcomer_count"


def newcomers_of(event: dg.EventLogEntry) -> list[str]:
    materialization = event.asset_materialization
    listed = materialization.metadata.get(NEWCOMERS) if materialization else None
    value = listed.value if listed is not None else None
    return [str(name) for name in value] if isinstance(value, list) else []


def history_runs(event: dg.EventLogEntry, storage_id: int) -> Iterator[dg.RunRequest]:
    """One run per batch of ``CHESS_NEWCOMERS_PER_RUN`` newcomers, every month of the games partitions."""
    newcomers = newcomers_of(event)
    months, size = games_months(), settings_now().newcomers_per_run
    for index, batch in enumerate(
        newcomers[start : start + size] for start in range(0, len(newcomers), size)
    ):
        yield dg.RunRequest(
            run_key=f"newcomers-{event.run_id}-{storage_id}-{index}",
            run_config={"ops": {"chess_source": {"config": {"players": batch}}}},
            tags={
                "dagster/asset_partition_range_start": months[0],
                "dagster/asset_partition_range_end": months[-1],
                NEWCOMERS_TAG: ", ".join(batch[:NAMED_IN_TAGS]),
                NEWCOMER_COUNT_TAG: str(len(batch)),
            },
        )


@dg.sensor(
    job=games_job,
    name="newcomers_history_sensor",
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="When a roster load adds players, loads their games from the first month to now, "
    f"at most CHESS_NEWCOMERS_PER_RUN players a run (tags {NEWCOMERS_TAG}, {NEWCOMER_COUNT_TAG}).",
)
def newcomers_history_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    """Every roster load since the cursor, oldest first: Dagster's ``asset_sensor`` would see only the
    latest of several loads between two ticks, and lose the newcomers of the others."""
    after = int(context.cursor) if context.cursor else None
    records = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=PLAYERS_KEY, after_storage_id=after),
        limit=ROSTER_LOADS_PER_TICK,
        ascending=True,
    ).records
    if not records:
        return dg.SensorResult(skip_reason="no roster load since the last tick")
    runs = [run for record in records for run in history_runs(record.event_log_entry, record.storage_id)]
    newcomers = sum(int(run.tags[NEWCOMER_COUNT_TAG]) for run in runs)
    context.log.info(f"{len(records)} roster load(s), {newcomers} newcomer(s): {len(runs)} run(s)")
    return dg.SensorResult(run_requests=runs, cursor=str(records[-1].storage_id))
