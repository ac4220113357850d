"""What a load cost rides on its materializations as numbers (the asset's page plots them across
runs), and they add up to what the API served."""

from typing import Any

import dagster as dg

from chess_dagster.definitions import defs
from chess_dagster.defs.ingest.assets import chess_source
from chess_dagster.defs.ingest.keys import GAMES_KEY
from fixture import FixtureServer

MONTH = "2022-10"


def _load_month(resources, instance) -> dict[str, Any]:
    result = dg.materialize(
        [chess_source],
        selection="chess/players_games",
        partition_key=MONTH,
        resources=resources,
        instance=instance,
    )
    [materialization] = result.asset_materializations_for_node("chess_source")
    assert materialization.asset_key == GAMES_KEY
    return {name: value.value for name, value in materialization.metadata.items()}


def test_a_load_counts_the_requests_the_api_served_by_status(api_env: FixtureServer, resources, instance):
    figures = _load_month(resources, instance)

    served = api_env.state.stats()
    assert figures["http_requests"] == served["requests"] > 0
    assert figures["http_200"] == served["by_status"].get("200", 0)
    assert figures["http_304"] == figures["http_404"] == figures["http_429"] == figures["http_5xx"] == 0
    assert figures["http_bytes"] > 1000 * served["by_route"]["month"]  # a month of games is kilobytes


def test_retried_answers_are_counted_with_their_status(api_env: FixtureServer, resources, instance):
    api_env.state.configure({"error_rate": 0.3, "throttle_rate": 0.2, "retry_after_s": 0})

    figures = _load_month(resources, instance)

    served = api_env.state.stats()["by_status"]
    assert figures["http_5xx"] == served.get("503", 0) > 0
    assert figures["http_429"] == served.get("429", 0) > 0
    assert figures["http_requests"] == sum(served.values())
    # A 429 halves the in-flight limit: it fell below the most requests the load had in flight.
    assert figures["in_flight_limit_low"] < max(figures["in_flight_peak"], 2)


def test_a_load_carries_the_seconds_of_each_phase_and_its_rows_per_second(api_env, resources, instance):
    figures = _load_month(resources, instance)

    assert all(isinstance(figures[f"{phase}_s"], float) for phase in ("extract", "normalize", "load"))
    assert figures["rows_per_s"] > 0


def test_a_run_with_nothing_to_fetch_counts_its_request_and_runs_no_dlt_phase(
    api_env: FixtureServer, resources, instance
):
    whole_source = defs.resolve_job_def("chess_source_job")
    one_month = {"dagster/asset_partition_range_start": MONTH, "dagster/asset_partition_range_end": MONTH}
    whole_source.execute_in_process(instance=instance, resources=resources, tags=one_month)
    api_env.state.reset_stats()

    # Players, fresh profiles and a closed month already loaded: nothing to ask but the titled list.
    again = whole_source.execute_in_process(instance=instance, resources=resources, tags=one_month)

    [games] = [m for m in again.asset_materializations_for_node("chess_source") if m.asset_key == GAMES_KEY]
    figures = {name: value.value for name, value in games.metadata.items()}
    assert figures["http_requests"] == api_env.state.stats()["requests"] == 1
    assert not {"extract_s", "normalize_s", "load_s", "rows_per_s"} & set(figures)
