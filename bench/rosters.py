"""Rosters benchmark: a country's 10,000 players as the roster, the newcomers' history, politeness.

The fixture API serves a country of more than 10,000 players (its crowd: profiles and stats, no games;
Chess.com answers the first 10,000 with a comment) and titled players with games, with a latency per
request and 429 above ``--allowed-in-flight`` (2) requests in flight. In one process tree, timed as
whole processes (one run each):

* start-up: a run of an asset that does nothing (fixed cost of a run);
* roster of 1,000: the country's first 1,000 players (lists, profiles, stats) into an empty DuckDB;
* roster grown to 10,000: the same warehouse with ``max_players`` 10,000: 9,000 newcomers;
* the sensor's planning: one tick of ``newcomers_history_sensor`` over it (``bench.newcomers_plan``);
* roster again: nothing new at the source (the lists are asked for, the profiles are fresh);
* newcomers' run: 50 players x 24 months, as the sensor asks for it (a roster of GMs grown by the IMs);
* politeness: a cold roster of 10,000 with the default ``max_concurrency`` (4), then with 2 set by hand.

Prints a table and writes it as JSON to bench/results/. `make bench-scale` runs it; `--help`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.backfill import (
    DAGSTER_MATERIALIZE,
    NOOP_RUN,
    REPEATS,
    Fixture,
    Phase,
    fastest_of,
    fixture_api,
    month_keys,
    project_env,
    publish,
    run_phase,
    work_s,
    workload_parser,
)
from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster.sources.chess_com.tables import TABLES
from fixture import ChessUniverse, Month
from fixture.dagster_home import new_dagster_home

COUNTRY = "NO"
ROSTER_RUN = [
    *DAGSTER_MATERIALIZE,
    "-m",
    "chess_dagster.definitions",
    "--select",
    ",".join(f"chess/{table.name}" for table in TABLES if table.with_roster),
]
FEW_PLAYERS = 1_000
NEWCOMERS = 50  # the IMs of a universe of 200 players per title (a quarter of that per title)


def newcomers_run(plan: dict[str, Any]) -> list[str]:
    """The run the sensor asked for, launched as ``dg launch`` would: its months, its config."""
    tags = plan["first_run_tags"]
    return [
        *DAGSTER_MATERIALIZE,
        "-m",
        "chess_dagster.definitions",
        "--select",
        "chess/players_games",
        "--partition-range",
        f"{tags['dagster/asset_partition_range_start']}...{tags['dagster/asset_partition_range_end']}",
        "--config-json",
        json.dumps(plan["first_run_config"]),
    ]


def sensor_plan(env: dict[str, str]) -> dict[str, Any]:
    planned = subprocess.run(
        [sys.executable, "-m", "bench.newcomers_plan"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(planned.stdout.splitlines()[-1])


def country_phases(args: Any, fixture: Fixture, scratch: Path) -> tuple[list[Phase], dict[str, Any]]:
    """Start-up, a roster of 1,000 grown to 10,000 and read again, and the sensor's plan for it."""
    database = str(scratch / "country" / "chess.duckdb")
    env = {
        **project_env(args, fixture, new_dagster_home(scratch / "country_home"), database),
        "SOURCES__CHESS__COUNTRIES": json.dumps([COUNTRY]),
        "SOURCES__CHESS__MAX_CONCURRENCY": "4",
    }
    few = {**env, "SOURCES__CHESS__MAX_PLAYERS": str(FEW_PLAYERS)}
    phases = [
        fastest_of(REPEATS, "start-up (no-op run)", NOOP_RUN, env, fixture, database),
        run_phase(f"roster of {FEW_PLAYERS:,}", [ROSTER_RUN], few, fixture, database),
        run_phase(f"roster grown to {args.players:,}", [ROSTER_RUN], env, fixture, database),
    ]
    plan = sensor_plan(env)
    phases.append(run_phase(f"roster of {args.players:,}, again", [ROSTER_RUN], env, fixture, database))
    return phases, plan


def newcomers_phase(args: Any, fixture: Fixture, scratch: Path, months: list[str]) -> tuple[Phase, dict]:
    """A roster of GMs grown by the IMs: the sensor's run of 50 newcomers over ``months``."""
    database = str(scratch / "titled" / "chess.duckdb")
    env = {
        **project_env(args, fixture, new_dagster_home(scratch / "titled_home"), database),
        "SOURCES__CHESS__MAX_CONCURRENCY": "4",
        "CHESS_START_MONTH": months[0],
        "CHESS_NEWCOMERS_PER_RUN": str(NEWCOMERS),
    }
    run_phase("roster of GMs", [ROSTER_RUN], {**env, "SOURCES__CHESS__TITLES": '["GM"]'}, fixture, database)
    grown = {**env, "SOURCES__CHESS__TITLES": '["GM", "IM"]'}
    run_phase("roster grown by the IMs", [ROSTER_RUN], grown, fixture, database)
    plan = sensor_plan(grown)
    name = f"newcomers, {plan['newcomers']} x {len(months)} months"
    return run_phase(name, [newcomers_run(plan)], grown, fixture, database), plan


def politeness_phases(args: Any, fixture: Fixture, scratch: Path) -> list[Phase]:
    """A cold roster of 10,000, with the default concurrency and with the allowed one set by hand."""
    phases = []
    hand = str(args.allowed_in_flight)
    for concurrency, name in (("4", "default 4"), (hand, f"{hand} by hand")):
        database = str(scratch / f"polite_{concurrency}" / "chess.duckdb")
        env = {
            **project_env(args, fixture, new_dagster_home(scratch / f"polite_{concurrency}_home"), database),
            "SOURCES__CHESS__COUNTRIES": json.dumps([COUNTRY]),
            "SOURCES__CHESS__MAX_CONCURRENCY": concurrency,
        }
        phases.append(run_phase(f"cold, {name}", [ROSTER_RUN], env, fixture, database))
    return phases


def main() -> None:
    parser = workload_parser(__doc__, players=10_000, months=24, first_month="")
    parser.set_defaults(allowed_in_flight=2)
    args = parser.parse_args()
    months = last_months(args.months)
    # 200 players per title: 50 IMs, the newcomers; the country's crowd past 10,000.
    universe = ChessUniverse(players_per_title=200, games_per_month=args.games_per_month)
    scratch = Path(tempfile.mkdtemp(prefix="chess-bench-rosters-"))
    options = ["--crowd", f"{COUNTRY}={args.players + 100}", "--max-age", "86400"]
    try:
        with fixture_api(args, universe, months, *options) as fixture:
            phases, plan = country_phases(args, fixture, scratch)
            newcomers, newcomers_plan = newcomers_phase(args, fixture, scratch, months)
            polite = politeness_phases(args, fixture, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    least = least_requests(universe, newcomers_plan, months)
    report(args, months, [*phases, newcomers, *polite], plan, least)


def last_months(count: int) -> list[str]:
    """The ``count`` months up to the month in progress at Chess.com."""
    now = Month.of(time.time())
    first = now.year * 12 + now.month - 1 - (count - 1)
    return month_keys(Month(first // 12, first % 12 + 1).key, count)


def least_requests(universe: ChessUniverse, plan: dict[str, Any], months: list[str]) -> int:
    """The newcomers' archive lists and their months with games: all a run of them has to ask for."""
    players = plan["first_run_config"]["ops"]["chess_source"]["config"]["players"]
    with_games = sum(1 for name in players for month in months if universe.games(name, Month.parse(month)))
    return len(players) + with_games


def report(args: Any, months: list[str], phases: list[Phase], plan: dict[str, Any], least: int) -> None:
    startup, few, grown, again, newcomers, polite, by_hand = phases
    share_429 = polite.by_status.get("429", 0) / polite.requests
    rss_ratio = f"peak RSS {args.players:,} / {FEW_PLAYERS:,}"
    figures = {
        f"peak RSS MiB, roster {FEW_PLAYERS:,} / {args.players:,}": (
            f"{few.peak_rss_mib} / {grown.peak_rss_mib}"
        ),
        rss_ratio: round(grown.peak_rss_mib / few.peak_rss_mib, 2),
        "roster again: requests": again.requests,
        "sensor plan: s / runs / newcomers / peak RSS MiB": (
            f"{plan['seconds']} / {plan['runs']} / {plan['newcomers']} / {plan['peak_rss_mib']}"
        ),
        "newcomers' run: answers 200 / least": f"{newcomers.by_status.get('200', 0)} / {least}",
        "politeness: 429s / requests": round(share_429, 4),
        "politeness: wall / wall with max_concurrency 2": round(polite.wall_s / by_hand.wall_s, 2),
    }
    targets = {
        f"peak RSS {args.players:,} / {FEW_PLAYERS:,}": grown.peak_rss_mib <= 1.5 * few.peak_rss_mib,
        "roster again: requests": again.requests <= 4,
        "newcomers' run: answers 200 / least": newcomers.by_status.get("200", 0) == least,
        "politeness: 429s / requests": share_429 <= 0.01,
        "politeness: wall / wall with max_concurrency 2": polite.wall_s <= 1.3 * by_hand.wall_s,
    }
    work = work_s(startup, few, grown, again, newcomers, polite, by_hand)
    floor_requests = 2 + 2 * args.players
    publish("rosters", args, months, phases, floor_requests, 0.0, work, figures, targets)


if __name__ == "__main__":
    main()
