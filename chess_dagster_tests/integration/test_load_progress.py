"""A load tells how far it is in the run's log while it runs, and its last extract line adds up to
what the API served."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg

from chess_dagster.defs.ingest.assets import ChessLoadConfig, chess_source
from chess_dagster_tests.conftest import fixture_game_urls
from chess_dagster_tests.loads import PLAYERS
from fixture import ChessUniverse, FixtureServer

MONTHS = ["2022-01", "2022-02"]
RUNNING = re.compile(r"extract \d+ s: ")
PHASE_END = re.compile(r"(extract|normalize|load) done in [\d.]+ s")
EXTRACT_DONE = re.compile(
    r"extract done in [\d.]+ s: players (?P<players>\d+)/(?P<players_total>\d+), "
    r"archive months (?P<months>\d+)/(?P<months_total>\d+), (?P<requests>[\d,]+) requests? "
    r"\(304: (?P<s304>\d+), 429: (?P<s429>\d+), 5xx: (?P<s5xx>\d+)\), "
    r"in-flight limit \d+/\d+, (?P<rows>[\d,]+) rows"
)


def _load_months(dagster_home: Path, resources, every_s: float) -> list[str]:
    """Load ``MONTHS`` of games on the project's instance config; the run's log messages."""
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        result = dg.materialize(
            [chess_source],
            selection="chess/players_games",
            resources=resources,
            instance=instance,
            tags={
                "dagster/asset_partition_range_start": MONTHS[0],
                "dagster/asset_partition_range_end": MONTHS[-1],
            },
            run_config=dg.RunConfig({"chess_source": ChessLoadConfig(progress_every_s=every_s)}),
        )
        assert result.success
        return [
            entry.user_message for entry in instance.all_logs(result.run_id) if not entry.is_dagster_event
        ]


def test_a_slow_extract_logs_how_far_it_is_while_it_runs(api_env: FixtureServer, dagster_home, resources):
    api_env.state.configure({"latency_ms": 300})  # players fetch side by side: ~1.5 s of extract

    messages = _load_months(dagster_home, resources, every_s=0.2)

    running = [m for m in messages if RUNNING.match(m)]
    assert len(running) >= 3, messages
    assert any(re.search(r"players \d/3, archive months \d/6, .* rows", m) for m in running)
    assert messages.index(running[-1]) < messages.index(next(m for m in messages if EXTRACT_DONE.match(m)))


def test_the_last_extract_line_adds_up_to_what_the_api_served(
    api_env: FixtureServer, universe: ChessUniverse, dagster_home, resources
):
    api_env.state.configure({"latency_ms": 20, "throttle_rate": 0.2, "retry_after_s": 0})

    messages = _load_months(dagster_home, resources, every_s=10)

    [done] = [match for m in messages if (match := EXTRACT_DONE.match(m))]
    served = api_env.state.stats()
    figures = {name: int(value.replace(",", "")) for name, value in done.groupdict().items()}
    assert figures["players"] == figures["players_total"] == PLAYERS
    assert figures["months"] == figures["months_total"] == PLAYERS * len(MONTHS)
    assert figures["requests"] == served["requests"]
    assert figures["s429"] == served["by_status"].get("429", 0) > 0
    assert figures["s304"] == figures["s5xx"] == 0
    assert figures["rows"] == len(fixture_game_urls(universe, MONTHS))


def test_each_phase_ends_with_one_line_of_its_figures(api_env: FixtureServer, dagster_home, resources):
    messages = _load_months(dagster_home, resources, every_s=10)

    ended = [(match.group(1), m) for m in messages if (match := PHASE_END.match(m))]
    assert [phase for phase, _ in ended] == ["extract", "normalize", "load"], messages
    assert re.search(r"normalize done in [\d.]+ s: [\d,]+ rows, files (\d+)/\1$", ended[1][1])
