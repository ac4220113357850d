"""One tick of the newcomers sensor over the instance in ``DAGSTER_HOME``, as the daemon evaluates it:
prints its runs (count, newcomers, the first run's config and tags), its seconds and the process's
peak RSS as one JSON line (``bench.rosters``)."""

import json
import resource
import time

import dagster as dg

from chess_dagster.defs.rosters.sensors import NEWCOMER_COUNT_TAG, newcomers_history_sensor


def main() -> None:
    started = time.perf_counter()
    with dg.DagsterInstance.get() as instance, dg.build_sensor_context(instance=instance) as context:
        result = newcomers_history_sensor(context)
    seconds = time.perf_counter() - started
    assert isinstance(result, dg.SensorResult)
    runs = result.run_requests or []
    first = runs[0] if runs else None
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "runs": len(runs),
                "newcomers": sum(int(run.tags[NEWCOMER_COUNT_TAG]) for run in runs),
                "first_run_config": first.run_config if first else None,
                "first_run_tags": dict(first.tags) if first else None,
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
